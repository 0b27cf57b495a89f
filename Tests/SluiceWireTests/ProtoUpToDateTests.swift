import Foundation
import Testing

@Suite struct ProtoUpToDateTests {
    /// The package root, three levels above this file (Tests/SluiceWireTests/ProtoUpToDateTests.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func executableOnPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    @Test func committedProtobufCOutputMatchesTheSchema() throws {
        guard Self.executableOnPath("protoc-c") != nil else {
            print(
                "ProtoUpToDateTests: protoc-c is not on PATH; skipping the check (apt-get install protobuf-c-compiler)")
            return
        }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sluice-gen-proto-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", Self.packageRoot.appendingPathComponent("scripts/gen-proto").path, output.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "scripts/gen-proto exited with \(process.terminationStatus)")

        for file in ["sluice.pb-c.c", "include/sluice.pb-c.h"] {
            let generated = try Data(contentsOf: output.appendingPathComponent(file))
            let committed = try Data(
                contentsOf: Self.packageRoot.appendingPathComponent("Sources/CSluiceProto").appendingPathComponent(file)
            )
            #expect(
                generated == committed,
                "Sources/CSluiceProto/\(file) is stale against proto/sluice.proto: run scripts/gen-proto")
        }
    }
}
