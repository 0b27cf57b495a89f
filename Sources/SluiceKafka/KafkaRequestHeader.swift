import NIOCore

/// A Kafka request's header (v1, or v2 for flexible versions) and its body, split from one frame (the 4-byte
/// length already removed).
public struct KafkaRequest {
    /// The API key as sent: it may be one Sluice does not serve.
    public let apiKeyValue: Int16
    public let apiVersion: Int16
    public let correlationId: Int32
    public let clientId: String?
    /// The request body, after the header.
    public var body: KafkaReader

    /// The served API, or nil.
    public var apiKey: KafkaApiKey? { KafkaApiKey(rawValue: apiKeyValue) }

    /// Splits `frame` into header and body. Throws for a header that does not parse.
    public init(frame: ByteBuffer) throws(KafkaProtocolError) {
        var reader = KafkaReader(frame)
        apiKeyValue = try reader.int16()
        apiVersion = try reader.int16()
        correlationId = try reader.int32()
        clientId = try reader.nullableString()
        if let key = KafkaApiKey(rawValue: apiKeyValue), key.advertisedVersions.contains(apiVersion),
            key.isFlexible(apiVersion)
        {
            try reader.skipTaggedFields()
        }
        body = reader
    }

    /// Whether the first byte of a frame says Kafka: an API key's high byte is 0x00, while a native frame starts
    /// with a protobuf field tag, which is never 0x00.
    public static func isKafka(frame: ByteBuffer) -> Bool {
        frame.getInteger(at: frame.readerIndex, as: UInt8.self) == 0
    }

    /// A response frame: 4-byte length, correlation id, then `body` (response header v0; ApiVersions' is v0
    /// at every version, and no flexible version of another API is served yet).
    public static func responseFrame(correlationId: Int32, body: ByteBuffer) -> ByteBuffer {
        var frame = ByteBufferAllocator().buffer(capacity: body.readableBytes + 8)
        frame.writeInteger(Int32(body.readableBytes + 4))
        frame.writeInteger(correlationId)
        var body = body
        frame.writeBuffer(&body)
        return frame
    }
}
