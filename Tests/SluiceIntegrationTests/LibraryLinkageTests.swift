import Foundation
import Testing

/// The client and producer libraries link no libsystemd (issue 9): the `sluice` CLI is built from exactly
/// SluiceClient, SluiceProducer and the layers below them, so its dynamic dependencies show what an
/// application embedding those libraries would load. The daemon, which writes to journald, does link it.
@Suite struct LibraryLinkageTests {
    static func sharedLibraries(of binary: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        process.arguments = [binary]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    @Test func theCLIBuiltOnTheLibrariesLinksNoLibsystemdWhileTheDaemonDoes() throws {
        #expect(!(try Self.sharedLibraries(of: BrokerProcess.binDir + "/sluice")).contains("libsystemd"))
        #expect(try Self.sharedLibraries(of: BrokerProcess.binDir + "/sluiced").contains("libsystemd"))
    }
}
