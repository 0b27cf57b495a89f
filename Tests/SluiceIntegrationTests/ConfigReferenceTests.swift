import Foundation
import Testing

/// `sluiced --help-config` is the reference the README points to; `docs/configuration.md` is its committed
/// markdown form and must match what the binary prints (regenerate with the command in its first lines).
@Suite struct ConfigReferenceTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func committedConfigurationReferenceIsCurrent() throws {
        let printed = try ConfigKeyWalkTests.run(
            BrokerProcess.binDir + "/sluiced", ["--help-config", "--help-config-format", "markdown"])
        let committed = try String(
            contentsOf: Self.repositoryRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        #expect(printed == committed, """
            docs/configuration.md is stale: run
            $(swift build --show-bin-path)/sluiced --help-config --help-config-format markdown > docs/configuration.md
            """)
    }

    @Test func helpConfigListsBrokerAndGatewayKeysWithTypeDefaultAndValidValues() throws {
        let text = try ConfigKeyWalkTests.run(BrokerProcess.binDir + "/sluiced", ["--help-config"])
        #expect(text.contains("log.segment.bytes\n    "))
        #expect(text.contains("Type: int; Default: 1073741824; Valid values: an integer in [14, 2147483647]"))
        #expect(text.contains("gateway.linger.ms\n    "))
        #expect(text.contains("gateway.max.request.bytes\n    "))
        #expect(!text.contains("gateway.bootstrap.servers"))
    }

    @Test func sluicedWithoutConfigOrHelpConfigSaysWhatIsMissing() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BrokerProcess.binDir + "/sluiced")
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 64)
        #expect(stderr.contains("--config"))
        #expect(stderr.contains("--help-config"))
    }
}
