import Glibc

/// Producer-state snapshot files in a partition directory: `<offset, 20 digits>.snapshot`, Kafka's naming.
/// The offset is the log end offset the snapshot's state covers (every batch below it). The contents are the
/// broker's; this module only names, lists, reads and replaces them — atomically: write
/// `<name>.tmp`, fsync, rename, fsync the directory (a `.tmp` left by a crash is removed at the next open).
enum ProducerSnapshotFile {
    static let suffix = ".snapshot"
    /// Bound: a snapshot larger than this is refused as corrupt (about a million producers at 5 batches each).
    static let limitBytes = 256 << 20

    /// `00000000000000000042.snapshot` for 42.
    static func name(offset: Int64) -> String {
        SegmentFileName.stem(baseOffset: offset) + suffix
    }

    /// The offsets of the snapshot files among `names`, ascending.
    static func offsets(in names: [String]) -> [Int64] {
        names.compactMap { SegmentFileName.baseOffset(fileName: $0, suffix: suffix) }.sorted()
    }

    /// Replaces the snapshot for `offset` with `bytes`, atomically and durably.
    static func write(_ bytes: [UInt8], offset: Int64, directory: FileDescriptor) throws(StorageError) {
        precondition(bytes.count <= limitBytes, "producer snapshot of \(bytes.count) bytes above its bound")
        try CheckpointFile.writeAtomically(bytes, directory: directory, name: name(offset: offset))
    }
}
