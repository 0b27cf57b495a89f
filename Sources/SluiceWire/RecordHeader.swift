/// One header of a record (Kafka's `Header`): a UTF-8 key and a value, which a Kafka record may leave null.
/// Native records carry headers as `sluice.RecordHeader` (a value there is never null).
public struct RecordHeader: Sendable, Hashable {
    public var key: String
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}
