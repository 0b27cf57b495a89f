/// Which leader epoch wrote which offsets: `(epoch, startOffset)` entries, epochs strictly increasing and
/// start offsets never decreasing (Kafka's `LeaderEpochFileCache`, persisted as `leader-epoch-checkpoint`).
/// A follower asks the leader for the end offset of its latest epoch (OffsetForLeaderEpoch, KIP-101) and
/// truncates to it.
public struct LeaderEpochCache: Sendable, Hashable {
    /// Kafka's UNDEFINED_EPOCH (-1).
    public static let undefinedEpoch: Int32 = -1
    /// Kafka's UNDEFINED_EPOCH_OFFSET (-1).
    public static let undefinedOffset: Int64 = -1

    /// Oldest first; epochs strictly increase, start offsets do not decrease.
    public private(set) var entries: [LeaderEpochEntry]

    /// A cache holding `entries` (crashes when they do not increase: a checkpoint is parsed and checked first).
    public init(entries: [LeaderEpochEntry] = []) {
        for (previous, next) in zip(entries, entries.dropFirst()) {
            precondition(next.epoch > previous.epoch, "leader epochs must increase")
            precondition(next.startOffset >= previous.startOffset, "epoch start offsets must not decrease")
        }
        self.entries = entries
    }

    /// The newest epoch, nil when none was recorded.
    public var latestEpoch: Int32? { entries.last?.epoch }

    /// Kafka's `endOffsetFor`: the epoch at or below `requestedEpoch` this log knows, and the offset where
    /// the next higher epoch starts (the log end offset when `requestedEpoch` is the latest).
    /// `(-1, -1)` when the epoch is undefined or newer than every entry.
    public func endOffset(for requestedEpoch: Int32, logEndOffset: Int64) -> (leaderEpoch: Int32, endOffset: Int64) {
        let undefined = (Self.undefinedEpoch, Self.undefinedOffset)
        guard requestedEpoch != Self.undefinedEpoch else { return undefined }
        if requestedEpoch == latestEpoch { return (requestedEpoch, logEndOffset) }
        guard let higher = entries.first(where: { $0.epoch > requestedEpoch }) else { return undefined }
        guard let floor = entries.last(where: { $0.epoch <= requestedEpoch }) else {
            return (requestedEpoch, higher.startOffset)
        }
        return (floor.epoch, higher.startOffset)
    }

    /// Records that `epoch` starts at `startOffset`, when it is newer than the latest epoch. Entries the
    /// new one contradicts (a start offset at or past it) go, as in Kafka. Returns whether anything changed.
    @discardableResult
    mutating func assign(epoch: Int32, startOffset: Int64) -> Bool {
        precondition(epoch >= 0, "leader epochs are not negative")
        precondition(startOffset >= 0, "epoch start offsets are not negative")
        if let latest = entries.last, epoch <= latest.epoch { return false }
        entries.removeAll { $0.startOffset >= startOffset }
        entries.append(LeaderEpochEntry(epoch: epoch, startOffset: startOffset))
        return true
    }

    /// Drops epochs that start at or after `endOffset` (the log was truncated there). Returns whether anything changed.
    @discardableResult
    mutating func truncateFromEnd(endOffset: Int64) -> Bool {
        let before = entries.count
        entries.removeAll { $0.startOffset >= endOffset }
        return entries.count != before
    }

    /// The log now starts at `startOffset`: epochs wholly before it go; the one spanning it now starts there.
    @discardableResult
    mutating func truncateFromStart(startOffset: Int64) -> Bool {
        guard let spanning = entries.lastIndex(where: { $0.startOffset <= startOffset }) else { return false }
        guard spanning > 0 || entries[spanning].startOffset != startOffset else { return false }
        entries.removeFirst(spanning)
        entries[0].startOffset = startOffset
        return true
    }
}
