/// Sees every record before it is serialized and every acknowledgement (Kafka's `ProducerInterceptor`).
///
/// `onSend` may return a changed record; `onAcknowledgement` runs on the sender's task and must be quick.
public protocol ProducerInterceptor<Key, Value>: Sendable {
    associatedtype Key: Sendable
    associatedtype Value: Sendable
    func onSend(_ record: ProducerRecord<Key, Value>) -> ProducerRecord<Key, Value>
    /// Called once per record with its metadata, or with the error that failed it for good.
    func onAcknowledgement(_ result: Result<RecordMetadata, ProducerError>)
}
