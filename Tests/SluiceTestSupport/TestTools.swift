import Foundation

/// Running real tools (promtool, journalctl) from tests, and temporary files for them.
public enum TestTools {
    /// A finished run: exit status and stdout with stderr.
    public struct Result: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output and standard error, interleaved.
        public var output: String
    }

    /// The path of `name` on `PATH`, or nil.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Runs `executable` with `arguments`, stdin from `standardInputPath` (or nothing), and returns its
    /// exit status with stdout and stderr combined.
    public static func run(_ executable: String, _ arguments: [String], standardInputPath: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        if let standardInputPath {
            process.standardInput = FileHandle(forReadingAtPath: standardInputPath)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// A new directory under the system temporary directory.
    public static func makeTemporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "sluice-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `text` to a new temporary file and returns its path.
    public static func writeTemporaryFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "sluice-test-\(UUID().uuidString).txt"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Removes a file or directory made by these helpers.
    public static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
