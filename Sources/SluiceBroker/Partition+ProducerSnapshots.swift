import NIOCore
import SluiceStorage
import SluiceWire

extension Partition {
    /// Loads the producer state at open (after log recovery): drops snapshots beyond the log end offset
    /// (recovery may have cut the log below them), starts from the newest readable snapshot at or below it,
    /// and replays batch headers from its offset (the log start without one) to the log end offset.
    func loadProducerState() throws(StorageError) -> ProducerStateLoad {
        try producerSnapshots.withLock { (newest) throws(StorageError) in try reloadProducerState(&newest) }
    }

    /// Writes a snapshot of the producer state at the log end offset unless the newest snapshot is already
    /// there, then prunes old ones. Called on close; `force == false` (the maintenance pass) writes only when
    /// the log `flushed` or rolled since the newest snapshot (Kafka snapshots on roll).
    @discardableResult
    func snapshotProducerState(force: Bool, flushed: Bool = false) throws(StorageError) -> Bool {
        try producerSnapshots.withLock { (newest) throws(StorageError) in
            // A first segment starting at 0 is no roll; any later base above the newest snapshot is one.
            let rolled = log.activeSegmentBaseOffset > max(newest, 0)
            guard force || flushed || rolled else { return false }
            // The copy is O(1) (copy on write); LEO read under the producer lock matches it exactly.
            let (entries, logEndOffset) = producerState.withLock { ($0.entries, log.logEndOffset) }
            guard logEndOffset != newest else { return false }
            try log.writeProducerSnapshot(ProducerStateSnapshot.encode(entries), offset: logEndOffset)
            newest = logEndOffset
            let offsets = try log.producerSnapshotOffsets()
            for offset in offsets.dropLast(Self.producerSnapshotsRetained) {
                try log.deleteProducerSnapshot(offset: offset)
            }
            return true
        }
    }

    /// Forgets producers idle for `producer.id.expiration.ms`; returns how many.
    @discardableResult
    func expireProducers(nowMs: Int64, expirationMs: Int64) -> Int {
        producerState.withLock { $0.removeExpired(nowMs: nowMs, expirationMs: expirationMs) }
    }

    // MARK: follower hooks (the replica fetcher calls these instead of the log's own methods)

    /// Appends batches fetched from the leader and records their producers, so this replica deduplicates
    /// retries if it becomes leader (Kafka keeps producer state on followers too).
    func followerAppend(_ batches: ByteBuffer) throws(AppendError) -> AppendInfo {
        try producerState.withLock { (state) throws(AppendError) in
            let info = try log.appendAsFollower(batches)
            batches.withUnsafeReadableBytes { bytes in
                var position = 0
                while let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[position...])) {
                    state.replay(header)
                    position += header.totalSize
                }
                assert(position == bytes.count, "replayed batches cover the appended buffer")
            }
            return info
        }
    }

    /// Truncates the log to `offset` and rebuilds the producer state for what is left.
    @discardableResult
    func followerTruncate(to offset: Int64) throws(StorageError) -> Int64 {
        try producerSnapshots.withLock { (newest) throws(StorageError) in
            let dropped = try log.truncate(to: offset)
            _ = try reloadProducerState(&newest)
            return dropped
        }
    }

    /// Empties the log to restart at `offset`; the producer state and its snapshots go too (Kafka's
    /// `truncateFullyAndStartAt`).
    @discardableResult
    func followerTruncateFully(startingAt offset: Int64) throws(StorageError) -> Int64 {
        try producerSnapshots.withLock { (newest) throws(StorageError) in
            let dropped = try log.truncateFully(startingAt: offset)
            for snapshot in try log.producerSnapshotOffsets() { try log.deleteProducerSnapshot(offset: snapshot) }
            producerState.withLock { $0 = ProducerStateManager() }
            newest = -1
            return dropped
        }
    }

    /// The load itself; the caller holds the snapshot lock (`newest`). The producer lock is held across the
    /// replay so no append interleaves with the rebuild.
    private func reloadProducerState(_ newest: inout Int64) throws(StorageError) -> ProducerStateLoad {
        try producerState.withLock { (state) throws(StorageError) in
            let logEndOffset = log.logEndOffset
            var load = ProducerStateLoad(
                snapshotOffset: nil, batchesReplayed: 0, producerCount: 0, snapshotsBeyondLogEnd: 0,
                snapshotsUnreadable: 0)
            var candidates: [Int64] = []
            for offset in try log.producerSnapshotOffsets() {
                guard offset <= logEndOffset else {
                    try log.deleteProducerSnapshot(offset: offset)
                    load.snapshotsBeyondLogEnd += 1
                    continue
                }
                candidates.append(offset)
            }
            var entries: [Int64: ProducerStateEntry] = [:]
            for offset in candidates.reversed() where load.snapshotOffset == nil {
                if let bytes = try log.readProducerSnapshot(offset: offset),
                    let decoded = ProducerStateSnapshot.decode(bytes)
                {
                    entries = decoded
                    load.snapshotOffset = offset
                } else {
                    try log.deleteProducerSnapshot(offset: offset)
                    load.snapshotsUnreadable += 1
                }
            }
            var rebuilt = ProducerStateManager(entries: entries)
            load.batchesReplayed = try log.forEachBatchHeader(from: load.snapshotOffset ?? 0) { rebuilt.replay($0) }
            load.producerCount = rebuilt.entries.count
            state = rebuilt
            newest = load.snapshotOffset ?? -1
            return load
        }
    }
}
