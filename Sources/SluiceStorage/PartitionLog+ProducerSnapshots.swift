extension PartitionLog {
    /// Offsets of the producer-state snapshots in the partition directory (`<offset>.snapshot`), ascending.
    public func producerSnapshotOffsets() throws(StorageError) -> [Int64] {
        ProducerSnapshotFile.offsets(in: try PartitionDirectory.list(directory))
    }

    /// Writes the producer-state snapshot covering the log below `offset`, atomically (temp file, fsync,
    /// rename, directory fsync): a crash leaves the old file set or the new one. Callers serialize writes.
    public func writeProducerSnapshot(_ bytes: [UInt8], offset: Int64) throws(StorageError) {
        precondition(offset >= 0, "snapshot offsets are not negative")
        try ProducerSnapshotFile.write(bytes, offset: offset, directory: directoryFile)
    }

    /// The bytes of the snapshot at `offset`; nil when there is none. Larger than
    /// `ProducerSnapshotFile.limitBytes` throws.
    public func readProducerSnapshot(offset: Int64) throws(StorageError) -> [UInt8]? {
        try FileDescriptor.readWholeFile(
            "\(directory)/\(ProducerSnapshotFile.name(offset: offset))", limitBytes: ProducerSnapshotFile.limitBytes)
    }

    /// Deletes the snapshot at `offset` (gone already is fine); the directory is fsynced.
    public func deleteProducerSnapshot(offset: Int64) throws(StorageError) {
        try CheckpointFile.remove(directory: directoryFile, name: ProducerSnapshotFile.name(offset: offset))
    }
}
