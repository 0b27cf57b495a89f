/// What the producer keeps about one record until its batch is acknowledged, and only when someone waits
/// for it: a completion callback, a sync `send`, or interceptors (`onAcknowledgement` runs per record).
///
/// Fire-and-forget records (`send(record, completion: nil)` without interceptors) store nothing here.
struct RecordCompletion: Sendable {
    /// The record's index in its batch (offset = base offset + this).
    let offsetDelta: Int32
    /// The record's CreateTime, ms since the epoch.
    let timestamp: Int64
    /// Serialized key bytes; -1 for a null key (Kafka's `RecordMetadata.serializedKeySize`).
    let serializedKeySize: Int32
    /// Serialized value bytes; -1 for a null value.
    let serializedValueSize: Int32
    /// Called once with the record's fate; nil when only interceptors listen.
    let callback: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
}
