import Foundation

/// A `sluice` CLI process running in the background (a consumer that must outlive a broker restart, or be
/// signalled), with its stdout and stderr in files the test polls. Signals go to this process's PID only;
/// `deinit` kills it if a test forgot.
final class CLIProcess: @unchecked Sendable {
    let process: Process
    private let scratch: String
    /// Where ``write(_:)`` sends stdin, when started with `feedsStandardInput`.
    private let input: Pipe?

    /// Starts `executable arguments…` (a binary of the build: `sluice` by default, or `sluiced`) with an empty
    /// stdin and `environment` added to this process's.
    init(
        _ arguments: [String], executable: String = "sluice", environment: [String: String] = [:],
        feedsStandardInput: Bool = false
    ) throws {
        input = feedsStandardInput ? Pipe() : nil
        scratch = BrokerProcess.makeTempDir("sluice-cli-bg")
        process = Process()
        process.executableURL = URL(fileURLWithPath: BrokerProcess.binDir + "/" + executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        FileManager.default.createFile(atPath: scratch + "/out", contents: nil)
        FileManager.default.createFile(atPath: scratch + "/err", contents: nil)
        process.standardInput = input ?? FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: scratch + "/out")
        process.standardError = FileHandle(forWritingAtPath: scratch + "/err")
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: scratch)
    }

    private var executableName: String { process.executableURL?.lastPathComponent ?? "process" }

    var stdout: String { (try? String(contentsOfFile: scratch + "/out", encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: scratch + "/err", encoding: .utf8)) ?? "" }
    /// The non-empty stdout lines so far.
    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }

    /// Polls `condition` until it holds or `timeout` passes (then throws, with both outputs).
    func waitFor(
        _ what: String, timeout: Duration = .seconds(30), _ condition: (CLIProcess) -> Bool
    ) throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if condition(self) { return }
            usleep(20_000)  // polling files with a deadline, not sleeping as synchronisation
        }
        throw BrokerProcessError(
            "\(executableName): no \(what) within \(timeout)\nstdout:\n\(stdout)\nstderr:\n\(stderr)")
    }

    /// Writes `text` to the process's stdin (started with `feedsStandardInput`).
    func write(_ text: String) {
        precondition(input != nil, "started without feedsStandardInput")
        input?.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Ends the process's stdin (end of input).
    func closeStandardInput() {
        try? input?.fileHandleForWriting.close()
    }

    /// Sends `signal` to this process.
    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the exit (killing the process after `timeout`, then throwing); returns the exit status.
    func waitForExit(timeout: Duration = .seconds(30)) throws -> Int32 {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw BrokerProcessError("\(executableName) did not exit within \(timeout)\nstderr:\n\(stderr)")
        }
        return process.terminationStatus
    }
}
