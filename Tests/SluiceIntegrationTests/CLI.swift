import Foundation

/// Runs the real `sluice` CLI binary and captures its output.
enum CLI {
    struct Result {
        let status: Int32
        let stdout: Data
        let stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `sluice args…` with `stdin` piped in (from a file, so large inputs don't deadlock). A `launcher`
    /// (e.g. `setpriv` and its flags) runs the binary through it.
    static func run(
        _ arguments: [String], stdin: Data? = nil, timeout: Duration = .seconds(300), launcher: [String] = []
    ) throws -> Result {
        let scratch = BrokerProcess.makeTempDir("sluice-cli")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let process = Process()
        let command = launcher + [BrokerProcess.binDir + "/sluice"] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let outPath = scratch + "/out", errPath = scratch + "/err", inPath = scratch + "/in"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data())
        process.standardInput = FileHandle(forReadingAtPath: inPath)
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // What it printed before it was killed: the only clue to where it hung.
            let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            throw BrokerProcessError(
                "sluice \(arguments.joined(separator: " ")) timed out after \(timeout); its stderr:\n"
                    + String(stderr.suffix(4_000)))
        }
        return Result(
            status: process.terminationStatus,
            stdout: FileManager.default.contents(atPath: outPath) ?? Data(),
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
