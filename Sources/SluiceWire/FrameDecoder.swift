import NIOCore

/// Splits a native-protocol byte stream into frames: a 4-byte big-endian length, then that many bytes.
///
/// Bound: `maxFrameBytes` (`socket.request.max.bytes` on the broker, a response limit on clients).
/// A larger length prefix throws `FrameTooLarge` before anything of that size is allocated; the
/// handler then answers or closes the connection. A zero length is a malformed frame.
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    public let maxFrameBytes: Int

    public init(maxFrameBytes: Int) {
        precondition(maxFrameBytes > 0, "maxFrameBytes must be positive")
        self.maxFrameBytes = maxFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.nextFrame(from: &buffer, maxFrameBytes: maxFrameBytes) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    /// Takes one whole frame body off the front of `buffer`, or nil when more bytes are needed.
    /// Pure, so tests and the client's decoder share it.
    public static func nextFrame(from buffer: inout ByteBuffer, maxFrameBytes: Int) throws(FrameError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length > 0 else { throw .empty }
        guard Int(length) <= maxFrameBytes else { throw .tooLarge(claimed: Int(length), limit: maxFrameBytes) }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }

    /// Writes `body` as one frame (length prefix, then the bytes).
    public static func writeFrame(_ body: ByteBuffer, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(body.readableBytes))
        var body = body
        buffer.writeBuffer(&body)
    }
}

/// Why a byte stream cannot be framed; the connection is closed after answering it.
public enum FrameError: Error, Sendable, Hashable, CustomStringConvertible {
    case tooLarge(claimed: Int, limit: Int)
    case empty

    public var description: String {
        switch self {
        case .tooLarge(let claimed, let limit):
            "frame of \(claimed) bytes exceeds socket.request.max.bytes (\(limit))"
        case .empty: "frame of 0 bytes"
        }
    }
}
