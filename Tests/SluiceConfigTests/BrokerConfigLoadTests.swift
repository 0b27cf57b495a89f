import SluiceConfig
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct BrokerConfigLoadTests {
    /// `config/single-node.properties`, found from this file's path: Tests/SluiceConfigTests/ → root.
    private static let shippedConfigPath: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/") + "/config/single-node.properties"
    }()

    private func loadError(_ path: String) -> ConfigError? {
        do throws(ConfigError) {
            _ = try BrokerConfig.load(path: path, overrides: [])
            return nil
        } catch {
            return error
        }
    }

    @Test func shippedSingleNodeConfigParses() throws {
        let config = try BrokerConfig.load(path: Self.shippedConfigPath, overrides: [])
        #expect(config.nodeId == 1)
        #expect(config.listeners.map(\.description) == ["PLAINTEXT://127.0.0.1:9092"])
        #expect(config.httpListener.description == "127.0.0.1:9192")
        #expect(config.logDirs == ["/tmp/sluice-data"])
        #expect(config.metadataStore == .embedded)
        #expect(config.clusterId == "sluice-dev")
        #expect(config.minInsyncReplicas == 1)
        #expect(config.gatewayProperties.isEmpty)
        #expect(config.warnings.isEmpty, "the quick start's config earns no warning: \(config.warnings)")
    }

    @Test func shippedConfigTakesOverrides() throws {
        let config = try BrokerConfig.load(
            path: Self.shippedConfigPath, overrides: ["listeners=PLAINTEXT://127.0.0.1:0"])
        #expect(config.listeners[0].port == 0)
    }

    @Test func nonexistentFileIsAnErrorWithPathAndErrnoText() {
        let path = "/nonexistent/sluice-\(getpid())/server.properties"
        let error = loadError(path)
        #expect(error?.code == .unreadableFile)
        #expect(error?.key == "--config")
        #expect(error?.value == path)
        #expect(error?.problem == "cannot read file: No such file or directory")
    }

    @Test func directoryIsAnErrorWithErrnoText() {
        let error = loadError("/tmp")
        #expect(error?.key == "--config")
        #expect(error?.value == "/tmp")
        #expect(error?.problem == "cannot read file: Is a directory")
    }

    @Test func invalidUTF8AndOversizedFilesAreRefused() throws {
        let path = "/tmp/sluice-config-test-\(getpid()).properties"
        defer { unlink(path) }
        try writeFile([0x6B, 0x3D, 0xFF, 0x0A], to: path)
        #expect(loadError(path)?.problem == "cannot read file: not valid UTF-8")
        try writeFile([UInt8](repeating: 0x23, count: (1 << 20) + 1), to: path)
        #expect(loadError(path)?.problem.hasPrefix("cannot read file: larger than") == true)
    }

    @Test func malformedEscapeInAFileNamesThePath() throws {
        let path = "/tmp/sluice-config-escape-\(getpid()).properties"
        defer { unlink(path) }
        try writeFile(Array("cluster.id=\\uZZZZ\n".utf8), to: path)
        let error = loadError(path)
        #expect(error?.code == .malformedFile)
        #expect(error?.value == path)
        #expect(error?.problem == "malformed \\uXXXX escape on line 1")
    }

    private func writeFile(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        try #require(written == bytes.count)
    }
}
