/// Per-partition log settings, under Kafka's key names.
///
/// Sizes are checked when a `PartitionLog` opens (`precondition`): a bad value here is a bug in the
/// config layer, which validates the properties file and reports the key before anything opens.
public struct LogConfig: Sendable, Hashable {
    /// `log.segment.bytes`: a new segment starts when the next append would grow the active one beyond this.
    /// At most `Int32.max`, because index entries hold 32-bit file positions (as Kafka's do).
    public var segmentBytes: Int
    /// `log.retention.ms`: segments whose newest batch is older than this are deleted; -1 keeps them forever.
    public var retentionMs: Int64
    /// `log.retention.bytes`: the oldest segments are deleted while the log is larger than this; -1 = no limit.
    public var retentionBytes: Int64
    /// `log.flush.interval.messages`: fsync after this many records since the last flush. `Int64.max`: the OS decides.
    public var flushIntervalMessages: Int64
    /// `log.flush.interval.ms`: fsync when this long has passed since the last flush. nil: the OS decides.
    public var flushIntervalMs: Int64?
    /// `log.index.interval.bytes`: bytes of batches between two entries of the sparse offset index.
    public var indexIntervalBytes: Int
    /// `message.max.bytes`: the largest batch a producer may append (header included).
    public var maxMessageBytes: Int
    /// `log.message.timestamp.before.max.ms` / `after.max.ms`: how far a producer batch's timestamps may lie
    /// before or after the leader's clock (INVALID_TIMESTAMP beyond). `Int64.max`: unchecked.
    public var timestampBeforeMaxMs: Int64
    public var timestampAfterMaxMs: Int64
    /// `log.index.size.max.bytes`: a segment rolls when its offset or time index would grow beyond this.
    public var segmentIndexBytes: Int

    /// Kafka's defaults for every key not given.
    public init(
        segmentBytes: Int = 1 << 30,
        retentionMs: Int64 = 7 * 24 * 60 * 60 * 1000,
        retentionBytes: Int64 = -1,
        flushIntervalMessages: Int64 = .max,
        flushIntervalMs: Int64? = nil,
        indexIntervalBytes: Int = 4096,
        maxMessageBytes: Int = 1_048_588,
        timestampBeforeMaxMs: Int64 = .max,
        timestampAfterMaxMs: Int64 = .max,
        segmentIndexBytes: Int = 10 * 1024 * 1024
    ) {
        self.timestampBeforeMaxMs = timestampBeforeMaxMs
        self.timestampAfterMaxMs = timestampAfterMaxMs
        self.segmentBytes = segmentBytes
        self.retentionMs = retentionMs
        self.retentionBytes = retentionBytes
        self.flushIntervalMessages = flushIntervalMessages
        self.flushIntervalMs = flushIntervalMs
        self.indexIntervalBytes = indexIntervalBytes
        self.maxMessageBytes = maxMessageBytes
        self.segmentIndexBytes = segmentIndexBytes
    }

    /// Crashes on values no validated configuration can hold.
    func checkInvariants() {
        precondition(segmentBytes >= 1, "log.segment.bytes must be positive")
        precondition(segmentBytes <= Int(Int32.max), "log.segment.bytes above Int32.max cannot be indexed")
        precondition(retentionMs >= -1, "log.retention.ms must be -1 or more")
        precondition(retentionBytes >= -1, "log.retention.bytes must be -1 or more")
        precondition(flushIntervalMessages >= 1, "log.flush.interval.messages must be positive")
        precondition((flushIntervalMs ?? 0) >= 0, "log.flush.interval.ms must not be negative")
        precondition(indexIntervalBytes >= 0, "log.index.interval.bytes must not be negative")
        precondition(maxMessageBytes >= 1, "message.max.bytes must be positive")
        precondition(timestampBeforeMaxMs >= 0 && timestampAfterMaxMs >= 0, "timestamp bounds are not negative")
        precondition(segmentIndexBytes >= TimeIndexEntry.byteCount, "log.index.size.max.bytes too small for one entry")
    }
}
