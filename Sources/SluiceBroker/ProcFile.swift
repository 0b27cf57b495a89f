import Glibc

/// Small reads of `/proc` files and directories for ``ProcessMetrics``. `/proc` files report size 0, so
/// they are read in chunks until end of file, up to a bound.
enum ProcFile {
    /// The largest file read: `/proc/stat` grows with CPUs and interrupts but stays far below this.
    static let sizeMax = 4 << 20

    /// The whole file as UTF-8 text, or nil when it cannot be opened or read or exceeds ``sizeMax``.
    static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return nil
        }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        let chunkSize = 16 << 10
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while contents.count <= sizeMax {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, chunkSize) }
            if count == 0 {
                return String(decoding: contents, as: UTF8.self)
            }
            if count < 0 && errno == EINTR {
                continue
            }
            guard count > 0 else {
                return nil
            }
            contents.append(contentsOf: chunk[0..<count])
        }
        return nil
    }

    /// Entries of a directory other than `.` and `..`, or nil when it cannot be opened. Stops counting at
    /// `limit` (a bound on the loop; a process has far fewer descriptors).
    static func countEntries(_ path: String, limit: Int = 1 << 24) -> Int? {
        guard let directory = opendir(path) else {
            return nil
        }
        defer { closedir(directory) }
        var count = 0
        while count < limit, let entry = readdir(directory) {
            let isDotOrDotDot = withUnsafeBytes(of: entry.pointee.d_name) { name -> Bool in
                name[0] == UInt8(ascii: ".")
                    && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDotOrDotDot {
                count += 1
            }
        }
        return count
    }
}
