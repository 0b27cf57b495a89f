/// One record as a consumer sees it: absolute offset and timestamp, key and value (nil = null).
public struct Record: Sendable, Hashable {
    public var offset: Int64
    public var timestamp: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?

    public init(offset: Int64, timestamp: Int64, key: [UInt8]?, value: [UInt8]?) {
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
    }
}
