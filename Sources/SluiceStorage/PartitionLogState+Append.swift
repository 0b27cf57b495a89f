import NIOCore
import SluiceWire

extension PartitionLogState {
    /// The leader's append: offsets from the log end offset and `leaderEpoch` stamped into the
    /// already-validated batches in place (the CRC does not cover them), then one write.
    mutating func appendAsLeader(
        _ batches: inout ByteBuffer, summary: BatchSetSummary, leaderEpoch: Int32, nowMs: Int64
    ) throws(AppendError) -> AppendOutcome {
        guard !isClosed else { throw .logClosed }
        if let latest = epochs.latestEpoch, leaderEpoch < latest {
            throw .fencedLeaderEpoch(requested: leaderEpoch, latest: latest)
        }
        let firstOffset = logEndOffset
        let rolled = try rollIfNeeded(summary, lastOffset: firstOffset + summary.recordCount - 1)
        batches.withUnsafeMutableReadableBytes { bytes in
            Self.stamp(bytes, batchCount: summary.batchCount, firstOffset: firstOffset, leaderEpoch: leaderEpoch)
        }
        try batches.withUnsafeReadableBytes { (bytes) throws(AppendError) in try write(bytes, summary) }
        let epochsChanged = epochs.assign(epoch: leaderEpoch, startOffset: firstOffset) || epochsUnpersisted
        epochsUnpersisted = false
        assert(logEndOffset == firstOffset + summary.recordCount, "offsets are dense")
        return outcome(summary, firstOffset: firstOffset, rolled: rolled, epochsChanged: epochsChanged, nowMs: nowMs)
    }

    /// The follower's append: batches as the leader stamped them, starting exactly at the log end offset.
    /// A batch from a newer leader epoch starts that epoch in the cache.
    mutating func appendAsFollower(_ batches: ByteBuffer, summary: BatchSetSummary) throws(AppendError) -> AppendOutcome
    {
        guard !isClosed else { throw .logClosed }
        guard summary.firstBaseOffset == logEndOffset else {
            throw .unexpectedOffset(expected: logEndOffset, actual: summary.firstBaseOffset)
        }
        let firstOffset = logEndOffset
        let rolled = try rollIfNeeded(summary, lastOffset: summary.lastOffsetAsSent)
        var epochsChanged = false
        try batches.withUnsafeReadableBytes { (bytes) throws(AppendError) in
            try write(bytes, summary)
            epochsChanged = assignEpochs(of: bytes, batchCount: summary.batchCount)
        }
        assert(logEndOffset == summary.lastOffsetAsSent + 1, "follower offsets continue the log")
        return outcome(summary, firstOffset: firstOffset, rolled: rolled, epochsChanged: epochsChanged, nowMs: nil)
    }

    private mutating func outcome(
        _ summary: BatchSetSummary, firstOffset: Int64, rolled: RolledSegment?, epochsChanged: Bool, nowMs: Int64?
    ) -> AppendOutcome {
        checkInvariants()
        let info = AppendInfo(
            firstOffset: firstOffset, lastOffset: logEndOffset - 1, recordCount: summary.recordCount,
            batchCount: summary.batchCount, maxTimestamp: summary.maxTimestamp, bytes: summary.totalBytes,
            logAppendTimeMs: -1, logStartOffset: logStartOffset)
        return AppendOutcome(
            info: info, rolled: rolled, leaderEpochsChanged: epochsChanged, flushDue: isFlushDue(nowMs: nowMs))
    }

    /// Base offsets consecutive from `firstOffset`, and the leader epoch, into each batch header.
    private static func stamp(
        _ bytes: UnsafeMutableRawBufferPointer, batchCount: Int, firstOffset: Int64, leaderEpoch: Int32
    ) {
        var position = 0
        var offset = firstOffset
        for _ in 0..<batchCount {
            let batch = UnsafeMutableRawBufferPointer(rebasing: bytes[position...])
            RecordBatchHeader.stamp(baseOffset: offset, leaderEpoch: leaderEpoch, into: batch)
            let length = Int32(bigEndian: batch.loadUnaligned(fromByteOffset: 8, as: Int32.self))
            let recordCount = Int32(bigEndian: batch.loadUnaligned(fromByteOffset: 57, as: Int32.self))
            position += RecordBatchHeader.lengthFieldEnd + Int(length)
            offset += Int64(recordCount)
        }
        precondition(position == bytes.count, "stamped batches cover the validated buffer")
    }

    /// One pwrite of all the batches to the active segment, then per-batch accounting (headers only).
    private mutating func write(_ bytes: UnsafeRawBufferPointer, _ summary: BatchSetSummary) throws(AppendError) {
        precondition(bytes.count == summary.totalBytes, "writing exactly the validated bytes")
        let segment = activeSegment
        let start = segment.sizeBytes
        let fault = writeFault
        writeFault = nil
        do throws(StorageError) {
            try segment.append(bytes, fault: fault)
        } catch {
            throw .storage(error)
        }
        var position = 0
        for _ in 0..<summary.batchCount {
            guard let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[position...])) else {
                preconditionFailure("validated batch at byte \(position) lost its header")
            }
            segment.noteBatch(header, at: start + position)
            position += header.totalSize
        }
        assert(segment.sizeBytes == start + bytes.count)
        logEndOffset = segment.nextOffset
        sizeBytes += Int64(bytes.count)
        recordsSinceFlush += summary.recordCount
    }

    private mutating func assignEpochs(of bytes: UnsafeRawBufferPointer, batchCount: Int) -> Bool {
        var changed = false
        var position = 0
        for _ in 0..<batchCount {
            guard let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[position...])) else {
                preconditionFailure("validated batch at byte \(position) lost its header")
            }
            if header.partitionLeaderEpoch >= 0,
                epochs.assign(epoch: header.partitionLeaderEpoch, startOffset: header.baseOffset)
            {
                changed = true
            }
            position += header.totalSize
        }
        return changed
    }

    /// Starts a new segment at the log end offset when the append does not fit the active one
    /// (`log.segment.bytes`, 32-bit relative offsets, full indexes). The old one is sealed here and
    /// fsynced by the caller once the lock is released.
    private mutating func rollIfNeeded(_ summary: BatchSetSummary, lastOffset: Int64) throws(AppendError)
        -> RolledSegment?
    {
        guard summary.totalBytes <= config.segmentBytes else {
            throw .recordListTooLarge(bytes: summary.totalBytes, segmentBytes: config.segmentBytes)
        }
        let active = activeSegment
        let mustRoll = active.mustRoll(
            appendBytes: summary.totalBytes, batchCount: summary.batchCount, lastOffset: lastOffset,
            segmentBytes: config.segmentBytes)
        guard mustRoll else { return nil }
        do throws(StorageError) {
            try active.seal()
            let segment = try LogSegment.create(directory: directory, baseOffset: logEndOffset, config: config)
            segments.append(segment)
        } catch {
            throw .storage(error)
        }
        directoryNeedsSync = true
        return RolledSegment(
            files: active.syncTargets, flushedThrough: active.nextOffset, newBaseOffset: logEndOffset,
            generation: generation)
    }
}
