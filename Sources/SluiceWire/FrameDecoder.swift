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
        guard Int(length) <= maxFrameBytes else {
            // "HTTP", "GET ", "POST"… read as a length is above a gigabyte: the peer speaks HTTP.
            if let line = httpFirstLine(buffer) { throw .http(firstLine: line) }
            throw .tooLarge(claimed: Int(length), limit: maxFrameBytes)
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }

    /// The first bytes an HTTP peer sends or answers: a response's version, or a request's method.
    static let httpPrefixes: [[UInt8]] = ["HTTP/", "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "PATCH ", "OPTIONS "]
        .map { Array($0.utf8) }

    /// The first line of `buffer` (up to 80 printable bytes) when it starts like HTTP, else nil. Pure.
    static func httpFirstLine(_ buffer: ByteBuffer) -> String? {
        let view = buffer.readableBytesView
        let isHTTP = httpPrefixes.contains { prefix in
            view.count >= min(prefix.count, 4) && zip(view, prefix).allSatisfy { $0 == $1 }
        }
        guard isHTTP else { return nil }
        let line = view.prefix(80).prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        return String(decoding: line.map { (0x20..<0x7F).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
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
    /// The peer speaks HTTP: its first bytes are an HTTP request or response line (carried, up to 80 bytes),
    /// which read as a frame length would claim more than a gigabyte.
    case http(firstLine: String)

    public var description: String {
        switch self {
        case .http(let firstLine): "the peer speaks HTTP ('\(firstLine)'), not Sluice's native protocol"
        case .tooLarge(let claimed, let limit):
            "frame of \(claimed) bytes exceeds socket.request.max.bytes (\(limit))"
        case .empty: "frame of 0 bytes"
        }
    }
}
