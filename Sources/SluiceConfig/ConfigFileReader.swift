#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a `--config` file whole, with errno's text on failure. Works for regular files and for
/// pipes (`--config <(…)`).
enum ConfigFileReader {
    /// Bound: a configuration file above 1 MiB is refused; real ones are a few KiB.
    static let fileBytesMax = 1 << 20

    /// Returns the file's text.
    /// - Throws: ``ConfigError/Code/unreadableFile`` with key `--config`, the path as value, and the
    ///   system's reason (`No such file or directory`, `Is a directory`, …), the size limit, or
    ///   invalid UTF-8.
    static func contents(ofPath path: String) throws(ConfigError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw unreadable(path, systemError(errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        // Bound: at most fileBytesMax / chunk + 1 successful reads before the size check throws.
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw unreadable(path, systemError(errno))
            }
            bytes += chunk[0..<count]
            guard bytes.count <= fileBytesMax else {
                throw unreadable(path, "larger than \(fileBytesMax) bytes")
            }
        }
        guard let text = decodeUTF8(bytes) else { throw unreadable(path, "not valid UTF-8") }
        return text
    }

    private static func decodeUTF8(_ bytes: [UInt8]) -> String? {
        if #available(macOS 15, *) {
            return String(validating: bytes, as: UTF8.self)
        }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return String(scalars)
            case .error: return nil
            }
        }
    }

    private static func systemError(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    private static func unreadable(_ path: String, _ reason: String) -> ConfigError {
        ConfigError(code: .unreadableFile, key: "--config", value: path, problem: "cannot read file: \(reason)")
    }
}
