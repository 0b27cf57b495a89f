import Glibc

/// One `log.dirs` entry, owned by this process: its exclusive lock and its `meta.properties`.
///
/// ``open(_:clusterId:nodeId:directoryId:)`` creates the directory when missing, takes
/// `flock(LOCK_EX | LOCK_NB)` on `<dir>/.lock` and writes this process's PID into it, then reads
/// `meta.properties` (writing it atomically when absent). The lock is held for the life of this object —
/// keep it for the life of the process; the kernel releases it when the process dies, however it dies.
/// A second broker on the same directory is refused naming the holder's PID, as Kafka refuses with
/// "Failed to acquire lock on file .lock".
public final class DataDirectory: Sendable {
    /// The lock file's name inside the directory (Kafka's).
    public static let lockFileName = ".lock"

    /// The directory, as configured in `log.dirs`.
    public let path: String
    /// What `meta.properties` says (read, or just written).
    public let metaProperties: MetaProperties
    /// The open descriptor of `<path>/.lock`, holding the flock; closed (released) in `deinit`.
    private let lockFile: FileDescriptor

    private init(path: String, metaProperties: MetaProperties, lockFile: FileDescriptor) {
        self.path = path
        self.metaProperties = metaProperties
        self.lockFile = lockFile
    }

    /// Takes `path` for this process (see the type's documentation).
    /// - Throws: ``DataDirectoryError`` `.locked` (naming the holder's PID), `.foreign` (another cluster.id or
    ///   node.id in `meta.properties`), `.malformedMetaProperties` (naming the file) or `.io`.
    public static func open(
        _ path: String, clusterId: String, nodeId: Int, directoryId: @autoclosure () -> String
    ) throws(DataDirectoryError) -> DataDirectory {
        let lockFile = try lock(path)
        let metaPath = path + "/" + MetaProperties.fileName
        let existing: [UInt8]?
        do { existing = try FileDescriptor.readWholeFile(metaPath, limitBytes: 64 << 10) } catch {
            throw DataDirectoryError(.io, directory: path, "log.dirs \(path): cannot read \(metaPath): \(error)")
        }
        guard let existing else {
            let written = MetaProperties(clusterId: clusterId, nodeId: nodeId, directoryId: directoryId())
            do {
                try CheckpointFile.write(
                    written.rendered, directory: FileDescriptor.openDirectory(path), name: MetaProperties.fileName)
            } catch {
                throw DataDirectoryError(.io, directory: path, "log.dirs \(path): cannot write \(metaPath): \(error)")
            }
            return DataDirectory(path: path, metaProperties: written, lockFile: lockFile)
        }
        let found: MetaProperties
        // Not UTF-8 is malformed, never "absent": an unreadable identity must not be overwritten.
        let parsed =
            String(validating: existing, as: UTF8.self).map(MetaProperties.parse)
            ?? .failure(MetaProperties.ParseProblem("not UTF-8 text"))
        switch parsed {
        case .success(let parsed): found = parsed
        case .failure(let problem):
            throw DataDirectoryError(
                .malformedMetaProperties, directory: path,
                "log.dirs \(path): \(metaPath) is malformed: \(problem); fix or remove it")
        }
        if let mismatch = found.mismatch(clusterId: clusterId, nodeId: nodeId) {
            throw DataDirectoryError(
                .foreign, directory: path,
                "log.dirs \(path) cannot be used: \(metaPath) says \(mismatch) (found cluster.id=\(found.clusterId) "
                    + "node.id=\(found.nodeId); configured cluster.id=\(clusterId) node.id=\(nodeId))")
        }
        return DataDirectory(path: path, metaProperties: found, lockFile: lockFile)
    }

    /// Creates `path` if needed, opens `.lock` and takes the exclusive lock without waiting; writes our PID.
    private static func lock(_ path: String) throws(DataDirectoryError) -> FileDescriptor {
        let lockPath = path + "/" + lockFileName
        let file: FileDescriptor
        do {
            try PartitionDirectory.create(path)
            file = try FileDescriptor.open(lockPath, flags: O_RDWR | O_CREAT)
        } catch {
            throw DataDirectoryError(.io, directory: path, "log.dirs \(path) cannot be used: \(error)")
        }
        guard retryingInterrupts({ flock(file.rawValue, LOCK_EX | LOCK_NB) }) == 0 else {
            let reason = errno
            guard reason == EWOULDBLOCK else {
                throw DataDirectoryError(
                    .io, directory: path, "log.dirs \(path): flock \(lockPath): \(String(cString: strerror(reason)))")
            }
            throw DataDirectoryError(.locked, directory: path, lockedMessage(path: path, lockPath: lockPath))
        }
        let pid = Array("\(getpid())\n".utf8)
        do {
            try file.truncate(toBytes: 0)
            // A Result, not a typed-throws closure: `withUnsafeBytes` only rethrows untyped errors.
            let written = pid.withUnsafeBytes { (bytes) -> Result<Void, StorageError> in
                do throws(StorageError) { return .success(try file.write(bytes, at: 0)) } catch {
                    return .failure(error)
                }
            }
            try written.get()
        } catch {
            throw DataDirectoryError(.io, directory: path, "log.dirs \(path): cannot write \(lockPath): \(error)")
        }
        return file
    }

    /// "in use by another sluiced (pid N)", the PID read from the holder's lock file.
    private static func lockedMessage(path: String, lockPath: String) -> String {
        let text = (try? CheckpointFile.read(directory: path, name: lockFileName)) ?? nil
        let holder = text.flatMap { Int32($0.filter { !$0.isWhitespace }) }
        let suffix = "Failed to acquire lock on file \(lockPath)"
        guard let holder else { return "log.dirs \(path) is in use by another sluiced (pid unknown): \(suffix)" }
        guard holder != getpid() else {
            return "log.dirs \(path) is listed twice in log.dirs (under two names of one directory?): \(suffix)"
        }
        return "log.dirs \(path) is in use by another sluiced (pid \(holder)): \(suffix)"
    }
}
