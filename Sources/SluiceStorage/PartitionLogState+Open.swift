import Logging
import SluiceWire

/// The checkpoint values read at open.
struct LoadedCheckpoints: Sendable {
    var recoveryPoint: Int64?
    var highWatermark: Int64?
    /// The entries of a readable `leader-epoch-checkpoint`; nil when missing or unreadable.
    var epochsInFile: [LeaderEpochEntry]?
}

extension PartitionLogState {
    /// Opens (or creates) the partition directory and brings its segments to a consistent state.
    ///
    /// After a clean shutdown the sealed segments are trusted. Otherwise every segment holding offsets at or
    /// above the recovery point (all of them without a checkpoint) is rescanned: each batch validated whole
    /// and checked to continue the offsets, the file cut at the first that fails, later segments deleted,
    /// indexes rebuilt, the leader-epoch cache extended from the batches' epochs.
    static func open(
        directory: String, topic: String, partition: Int32, config: LogConfig, directoryFile: FileDescriptor,
        logger: Logger
    ) throws(StorageError) -> (PartitionLogState, LogRecoveryReport, LoadedCheckpoints) {
        let names = try PartitionDirectory.list(directory)
        let hadCleanShutdown = names.contains(CheckpointFile.cleanShutdownMarker)
        let bases = try removeLeftovers(names, directory: directory)
        let checkpoints = try readCheckpoints(directory: directory, topic: topic, partition: partition, logger: logger)
        var segments: [LogSegment] = []
        for base in bases {
            segments.append(try LogSegment.open(directory: directory, baseOffset: base, config: config))
        }
        var report = LogRecoveryReport(
            topic: topic, partition: partition, hadCleanShutdown: hadCleanShutdown, segmentsScanned: 0,
            truncatedBytes: 0, segmentsDeleted: 0, firstProblem: nil,
            recoveryPointCheckpoint: checkpoints.recoveryPoint, logStartOffset: 0, logEndOffset: 0, highWatermark: 0)
        var epochs = LeaderEpochCache(entries: checkpoints.epochsInFile ?? [])
        try dropEmptyInnerSegments(&segments)
        let firstToScan = try loadSealedSegments(
            segments, upTo: hadCleanShutdown ? segments.count : firstUnflushed(segments, checkpoints.recoveryPoint))
        try rescan(&segments, from: firstToScan, epochs: &epochs, report: &report)
        if segments.isEmpty {
            segments.append(try LogSegment.create(directory: directory, baseOffset: 0, config: config))
            try directoryFile.sync()
        }
        epochs.truncateFromEnd(endOffset: segments[segments.count - 1].nextOffset)
        epochs.truncateFromStart(startOffset: segments[0].baseOffset)
        let state = PartitionLogState(
            directory: directory, topic: topic, partition: partition, config: config, segments: segments,
            highWatermark: checkpoints.highWatermark ?? 0, epochs: epochs)
        report.logStartOffset = state.logStartOffset
        report.logEndOffset = state.logEndOffset
        report.highWatermark = state.highWatermark
        return (state, report, checkpoints)
    }

    /// Deletes files a crash can leave (`*.deleted`, `*.tmp`, indexes without a log); returns the segment
    /// bases, sorted.
    private static func removeLeftovers(_ names: [String], directory: String) throws(StorageError) -> [Int64] {
        var bases = Set<Int64>()
        for name in names {
            if let base = SegmentFileName.baseOffset(fileName: name, suffix: SegmentFileName.logSuffix) {
                bases.insert(base)
            }
        }
        for name in names {
            let orphanIndex = [SegmentFileName.offsetIndexSuffix, SegmentFileName.timeIndexSuffix].contains { suffix in
                SegmentFileName.baseOffset(fileName: name, suffix: suffix).map { !bases.contains($0) } ?? false
            }
            if name.hasSuffix(SegmentFileName.deletedSuffix) || name.hasSuffix(CheckpointFile.temporarySuffix)
                || orphanIndex
            {
                try PartitionDirectory.removeFile("\(directory)/\(name)")
            }
        }
        return bases.sorted()
    }

    private static func readCheckpoints(
        directory: String, topic: String, partition: Int32, logger: Logger
    ) throws(StorageError) -> LoadedCheckpoints {
        func offset(_ name: String) throws(StorageError) -> Int64? {
            guard let text = try CheckpointFile.read(directory: directory, name: name) else { return nil }
            guard let value = CheckpointFile.parseOffset(text, topic: topic, partition: partition) else {
                logger.warning("ignoring unreadable checkpoint", metadata: ["sluice.file": "\(directory)/\(name)"])
                return nil
            }
            return value
        }
        var epochs: [LeaderEpochEntry]?
        if let text = try CheckpointFile.read(directory: directory, name: CheckpointFile.leaderEpochs) {
            epochs = CheckpointFile.parseEpochs(text)
            if epochs == nil {
                logger.warning("ignoring unreadable leader-epoch checkpoint", metadata: ["sluice.file": "\(directory)"])
            }
        }
        return LoadedCheckpoints(
            recoveryPoint: try offset(CheckpointFile.recoveryPoint),
            highWatermark: try offset(CheckpointFile.highWatermark),
            epochsInFile: epochs)
    }

    /// Only the last segment may be empty (a roll writes into the new segment at once); an empty inner one
    /// holds nothing and would break the offset chain, so it goes.
    private static func dropEmptyInnerSegments(_ segments: inout [LogSegment]) throws(StorageError) {
        var kept: [LogSegment] = []
        for (index, segment) in segments.enumerated() {
            if segment.isEmpty, index < segments.count - 1 {
                for path in try segment.renameForDeletion() { try PartitionDirectory.removeFile(path) }
            } else {
                kept.append(segment)
            }
        }
        segments = kept
    }

    /// The first segment holding offsets at or above the recovery point (Kafka scans from the segment
    /// containing it); the first segment when there is no checkpoint.
    private static func firstUnflushed(_ segments: [LogSegment], _ recoveryPoint: Int64?) -> Int {
        guard let recoveryPoint else { return 0 }
        let flushed = segments.indices.dropLast().filter { segments[$0 + 1].baseOffset <= recoveryPoint }
        return flushed.count
    }

    /// Loads `segments[..<end]` from their index files; returns where rescanning must start (`end`, or the
    /// first segment whose files disagree).
    private static func loadSealedSegments(_ segments: [LogSegment], upTo end: Int) throws(StorageError) -> Int {
        for index in 0..<end {
            let nextBase = index + 1 < segments.count ? segments[index + 1].baseOffset : nil
            guard try segments[index].loadSealed(nextBaseOffset: nextBase) else { return index }
        }
        return end
    }

    /// Rescans `segments[start...]` with full validation, cutting at the first bad batch.
    private static func rescan(
        _ segments: inout [LogSegment], from start: Int, epochs: inout LeaderEpochCache, report: inout LogRecoveryReport
    ) throws(StorageError) {
        var expectedBase: Int64? = start > 0 ? segments[start - 1].nextOffset : nil
        var index = start
        // Bound: one pass per segment; a cut ends the loop.
        while index < segments.count {
            let segment = segments[index]
            if let expected = expectedBase, segment.baseOffset != expected {
                report.firstProblem =
                    report.firstProblem ?? "\(segment.log.path): starts at \(segment.baseOffset), expected \(expected)"
                break
            }
            let result = try segment.rescan(validate: true) { header in
                if header.partitionLeaderEpoch >= 0 {
                    epochs.assign(epoch: header.partitionLeaderEpoch, startOffset: header.baseOffset)
                }
            }
            report.segmentsScanned += 1
            report.truncatedBytes += Int64(result.truncatedBytes)
            index += 1
            if let problem = result.problem {
                report.firstProblem = report.firstProblem ?? problem
                break
            }
            expectedBase = segment.nextOffset
        }
        for segment in segments[index...] {
            report.truncatedBytes += Int64(segment.sizeBytes)
            report.segmentsDeleted += 1
            for path in try segment.renameForDeletion() { try PartitionDirectory.removeFile(path) }
        }
        segments.removeSubrange(index...)
    }
}
