import Glibc

/// The partition directory's small text files, in Kafka's checkpoint format: a version line (0), a
/// count line, then one entry per line. Each is replaced atomically: write `<name>.tmp`, fsync, rename
/// over the old file, fsync the directory — a crash leaves the old file or the new one, never half.
enum CheckpointFile {
    static let highWatermark = "high-watermark-checkpoint"
    static let recoveryPoint = "recovery-point-offset-checkpoint"
    static let leaderEpochs = "leader-epoch-checkpoint"
    /// Present only between a clean `close()` and the next open: the segments need no scan.
    static let cleanShutdownMarker = "clean-shutdown"
    static let temporarySuffix = ".tmp"
    static let version = 0
    /// Bound: a checkpoint larger than this is refused as corrupt.
    static let limitBytes = 1 << 20

    /// `topic partition offset` — the HW and recovery-point files, in Kafka's per-directory layout.
    static func offsetText(topic: String, partition: Int32, offset: Int64) -> String {
        "\(version)\n1\n\(topic) \(partition) \(offset)\n"
    }

    /// `epoch startOffset` lines — Kafka's leader-epoch-checkpoint.
    static func epochsText(_ entries: [LeaderEpochEntry]) -> String {
        var text = "\(version)\n\(entries.count)\n"
        for entry in entries { text += "\(entry.epoch) \(entry.startOffset)\n" }
        return text
    }

    /// The offset recorded for this partition; nil when the text is not such a checkpoint.
    static func parseOffset(_ text: String, topic: String, partition: Int32) -> Int64? {
        guard let rows = parseRows(text, columns: 3), rows.count == 1 else { return nil }
        let row = rows[0]
        guard row[0] == topic, Int32(row[1]) == partition, let offset = Int64(row[2]), offset >= 0 else { return nil }
        return offset
    }

    /// The epoch entries; nil when the text is not such a checkpoint or the entries do not increase.
    static func parseEpochs(_ text: String) -> [LeaderEpochEntry]? {
        guard let rows = parseRows(text, columns: 2) else { return nil }
        var entries: [LeaderEpochEntry] = []
        for row in rows {
            guard let epoch = Int32(row[0]), let start = Int64(row[1]), epoch >= 0, start >= 0 else { return nil }
            if let previous = entries.last, epoch <= previous.epoch || start < previous.startOffset { return nil }
            entries.append(LeaderEpochEntry(epoch: epoch, startOffset: start))
        }
        return entries
    }

    private static func parseRows(_ text: String, columns: Int) -> [[String]]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 2, Int(lines[0]) == version, let count = Int(lines[1]), count >= 0 else { return nil }
        let body = lines.dropFirst(2).filter { !$0.isEmpty }
        guard body.count == count else { return nil }
        let rows = body.map { $0.split(separator: " ").map(String.init) }
        guard rows.allSatisfy({ $0.count == columns }) else { return nil }
        return rows
    }

    /// Reads `name` in `directory`; nil when it does not exist or is not UTF-8.
    static func read(directory: String, name: String) throws(StorageError) -> String? {
        guard let bytes = try FileDescriptor.readWholeFile("\(directory)/\(name)", limitBytes: limitBytes) else {
            return nil
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Replaces `name` in `directory` with `text`, atomically and durably.
    static func write(_ text: String, directory: FileDescriptor, name: String) throws(StorageError) {
        try writeAtomically(Array(text.utf8), directory: directory, name: name)
    }

    /// Replaces `name` in `directory` with `bytes`: write a temp file, fsync it, rename it over the name,
    /// fsync the directory — a crash leaves the old file or the new one, never a mix.
    static func writeAtomically(_ bytes: [UInt8], directory: FileDescriptor, name: String) throws(StorageError) {
        let path = "\(directory.path)/\(name)"
        let temporaryPath = path + temporarySuffix
        let file = try FileDescriptor.open(temporaryPath, flags: O_WRONLY | O_CREAT | O_TRUNC)
        let result = bytes.withUnsafeBytes { (buffer) -> Result<Void, StorageError> in
            do throws(StorageError) {
                return .success(try file.write(buffer, at: 0))
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        try file.sync()
        guard rename(temporaryPath, path) == 0 else { throw StorageError.fromErrno("rename", temporaryPath) }
        try directory.sync()
    }

    /// Creates an empty marker file durably.
    static func touch(directory: FileDescriptor, name: String) throws(StorageError) {
        let file = try FileDescriptor.open("\(directory.path)/\(name)", flags: O_WRONLY | O_CREAT | O_TRUNC)
        try file.sync()
        try directory.sync()
    }

    /// Removes `name` if present, durably. Returns whether it was there.
    @discardableResult
    static func remove(directory: FileDescriptor, name: String) throws(StorageError) -> Bool {
        let path = "\(directory.path)/\(name)"
        guard unlink(path) == 0 else {
            if errno == ENOENT { return false }
            throw StorageError.fromErrno("unlink", path)
        }
        try directory.sync()
        return true
    }
}
