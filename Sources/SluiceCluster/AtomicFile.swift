import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Atomic replacement of a small file: write a temp file, fsync it, rename over the target, fsync the directory.
enum AtomicFile {
    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    static func write(_ data: Data, to path: String) throws(WriteError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(description: "open \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { bytes in Glibc.write(fd, bytes.baseAddress, bytes.count) }
        guard written == data.count, fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(temporary)
            throw WriteError(description: "write \(temporary): \(reason)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            throw WriteError(description: "rename \(temporary): \(String(cString: strerror(errno)))")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let directoryFd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFd >= 0 {
            fsync(directoryFd)
            close(directoryFd)
        }
    }
}
