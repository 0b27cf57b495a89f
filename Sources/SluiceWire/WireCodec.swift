import CProtobufC
import CSluiceProto
import NIOCore

/// Converts `Request`/`Response` to and from protobuf-c encoded frame bodies (without the 4-byte length).
///
/// Encoding packs into one `ByteBuffer` sized by `get_packed_size`; `bytes` fields (record batches)
/// point into the source `ByteBuffer`s during packing, so batches are copied once, into the frame.
/// Decoding unpacks with protobuf-c (which validates the encoding) and copies each batch once into a
/// `ByteBuffer` — except a canonical Produce frame, read by hand with its batches sliced from the frame
/// (`decodeProduceFastPath`). Malformed bodies throw `DecodeError(.invalidRequest / .corruptMessage, …)`; never crash.
///
/// Strings travel as C strings: a Swift string with an embedded NUL is cut at the NUL on encode, and
/// protobuf-c cuts a wire string at its first NUL on decode. protobuf-c 1.4.1 does not check UTF-8;
/// the decoder does, and refuses a frame whose strings are not UTF-8.
public enum WireCodec {
    /// Encodes a request's frame body.
    ///
    /// Cost: one pass to size the frame and one to pack it; C structs come from a per-call arena
    /// (a few allocations per request, none per record). Record batches are copied once, into the frame.
    public static func encode(_ request: Request, allocator: ByteBufferAllocator = .init()) -> ByteBuffer {
        let arena = WireArena()
        let frame = makeRequestFrame(request, arena: arena)
        return withExtendedLifetime(arena) {
            let size = sluice__request_frame__get_packed_size(frame)
            return packed(size: size, allocator: allocator) { sluice__request_frame__pack(frame, $0) }
        }
    }

    /// Encodes a response's frame body. `.none` encodes a frame with no body (the error code says why).
    ///
    /// Cost as for requests; fetched batches are copied once, into the frame. Limit: a response with
    /// correlation id 0, no error and no body packs to 0 bytes, a frame `FrameDecoder` refuses as `.empty`.
    public static func encode(_ response: Response, allocator: ByteBufferAllocator = .init()) -> ByteBuffer {
        let arena = WireArena()
        let frame = makeResponseFrame(response, arena: arena)
        return withExtendedLifetime(arena) {
            let size = sluice__response_frame__get_packed_size(frame)
            return packed(size: size, allocator: allocator) { sluice__response_frame__pack(frame, $0) }
        }
    }

    /// Decodes a request frame body. Throws `.invalidRequest` for bytes that are not a RequestFrame and
    /// for a frame with no body set (unknown API); the error carries the correlation id when it was readable.
    ///
    /// A canonical Produce frame takes `decodeProduceFastPath`: its batches are slices of `body`, not copies.
    public static func decodeRequest(_ body: ByteBuffer) throws(DecodeError) -> Request {
        if let produce = decodeProduceFastPath(body) { return produce }
        return try decodeRequestWithProtobufC(body)
    }

    /// `decodeRequest` through protobuf-c only (every frame; batches copied out of the frame).
    public static func decodeRequestWithProtobufC(_ body: ByteBuffer) throws(DecodeError) -> Request {
        try unpacked(
            body, sluice__request_frame__unpack, free: sluice__request_frame__free_unpacked, code: .invalidRequest,
            named: "RequestFrame", request(from:))
    }

    /// Decodes a response frame body. Throws `.corruptMessage` for bytes that are not a ResponseFrame;
    /// a frame with no body decodes as `.none` with the frame's error code and message.
    ///
    /// A canonical Fetch response takes `decodeFetchResponseFastPath`: its batches are slices of `body`.
    public static func decodeResponse(_ body: ByteBuffer) throws(DecodeError) -> Response {
        if let fetch = decodeFetchResponseFastPath(body) { return fetch }
        return try decodeResponseWithProtobufC(body)
    }

    /// `decodeResponse` through protobuf-c only (every frame; batches copied out of the frame).
    public static func decodeResponseWithProtobufC(_ body: ByteBuffer) throws(DecodeError) -> Response {
        try unpacked(
            body, sluice__response_frame__unpack, free: sluice__response_frame__free_unpacked, code: .corruptMessage,
            named: "ResponseFrame", response(from:))
    }

    /// `body` unpacked by protobuf-c (which validates the encoding), converted by `convert` while protobuf-c's
    /// copy lives, and that copy freed exactly once, whatever `convert` does. Bytes that do not unpack throw
    /// `code` with no correlation id.
    private static func unpacked<Frame, Decoded>(
        _ body: ByteBuffer,
        _ unpack: (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
            Frame
        >?,
        free: (UnsafeMutablePointer<Frame>?, UnsafeMutablePointer<ProtobufCAllocator>?) -> Void,
        code: ErrorCode, named name: String, _ convert: (Frame) throws(DecodeError) -> Decoded
    ) throws(DecodeError) -> Decoded {
        let frame = body.withUnsafeReadableBytes { bytes in
            withNonNullBase(bytes) { unpack(nil, bytes.count, $0) }
        }
        guard let frame else {
            throw DecodeError(
                correlationId: nil, code: code,
                message: "frame body of \(body.readableBytes) bytes is not a valid \(name)")
        }
        defer { free(frame, nil) }
        return try convert(frame.pointee)
    }
}

/// A frame body that could not be decoded. `correlationId` is set when the envelope was readable
/// (so the broker can answer with an error response); nil means the bytes were not protobuf at all.
public struct DecodeError: Error, Sendable, CustomStringConvertible {
    /// The frame's correlation id, when the envelope could be read.
    public var correlationId: Int32?
    /// `.invalidRequest` for requests, `.corruptMessage` for responses.
    public var code: ErrorCode
    /// What was wrong, naming the field when there is one.
    public var message: String
    /// Makes an error; `correlationId` nil when the envelope was unreadable.
    public init(correlationId: Int32?, code: ErrorCode, message: String) {
        self.correlationId = correlationId
        self.code = code
        self.message = message
    }
    /// `CODE_NAME: message`.
    public var description: String { "\(code.name): \(message)" }
}

// MARK: packing

extension WireCodec {
    /// Packs `size` bytes with `pack` straight into a new buffer's writable bytes.
    static func packed(
        size: Int, allocator: ByteBufferAllocator, _ pack: (UnsafeMutablePointer<UInt8>) -> Int
    ) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: size)
        // A response with no body, no error and correlation id 0 packs to nothing: no pointer to write through.
        guard size > 0 else { return buffer }
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { target in
            precondition(target.count >= size, "ByteBuffer gave fewer writable bytes than reserved")
            return pack(target.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        precondition(written == size, "protobuf-c packed \(written) bytes, sized \(size)")
        return buffer
    }

    /// Calls `body` with the base address of `bytes`, or of a dummy byte when `bytes` is empty
    /// (protobuf-c reads nothing for length 0, but a null base is not worth arguing about).
    static func withNonNullBase<Result>(
        _ bytes: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>) -> Result
    ) -> Result {
        if let base = bytes.baseAddress { return body(base.assumingMemoryBound(to: UInt8.self)) }
        var dummy: UInt8 = 0
        return withUnsafePointer(to: &dummy) { body($0) }
    }
}

// MARK: shared conversions

extension WireCodec {
    /// A field-level problem; the frame decoder fills in the correlation id and the direction's code.
    static func fieldError(_ message: String) -> DecodeError {
        DecodeError(correlationId: nil, code: .invalidRequest, message: message)
    }

    /// Swift error code → wire enum.
    @inline(__always)
    static func wireErrorCode(_ code: ErrorCode) -> Sluice__ErrorCode {
        Sluice__ErrorCode(rawValue: Int32(code.rawValue))
    }

    /// Wire enum → Swift error code (unknown codes become `.unknownServerError`).
    @inline(__always)
    static func errorCode(_ wire: Sluice__ErrorCode) -> ErrorCode {
        ErrorCode(wire: wire.rawValue)
    }

    /// A decoded C string, refused when it is not UTF-8 (`field`, worked out only then, names it in the error).
    static func string(
        _ pointer: UnsafePointer<CChar>?, field: @autoclosure () -> String
    ) throws(DecodeError) -> String {
        guard let pointer else { return "" }
        guard let string = String(validatingCString: pointer) else {
            throw fieldError("\(field()) is not valid UTF-8")
        }
        return string
    }

    /// A decoded repeated string field.
    static func strings(
        count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, field: StaticString
    ) throws(DecodeError) -> [String] {
        guard count > 0, let pointer else { return [] }
        var result: [String] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            result.append(try string(pointer[index], field: "\(field)"))
        }
        return result
    }

    /// A decoded repeated int32 field.
    static func int32s(count: Int, _ pointer: UnsafeMutablePointer<Int32>?) -> [Int32] {
        guard count > 0, let pointer else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// A decoded repeated message field; `transform` converts each C message.
    static func messages<Message, Element>(
        count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<Message>?>?,
        _ transform: (Message) throws(DecodeError) -> Element
    ) throws(DecodeError) -> [Element] {
        guard count > 0, let pointer else { return [] }
        var result: [Element] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            // protobuf-c never leaves a hole in a repeated field; skip one rather than trust it blindly.
            guard let message = pointer[index] else { continue }
            result.append(try transform(message.pointee))
        }
        return result
    }

    /// A decoded `bytes` field as its own `ByteBuffer` (one copy; protobuf-c's copy is freed with the frame).
    static func buffer(_ data: ProtobufCBinaryData) -> ByteBuffer {
        guard data.len > 0, let bytes = data.data else { return ByteBuffer() }
        return ByteBuffer(bytes: UnsafeRawBufferPointer(start: bytes, count: data.len))
    }

    /// An int32 wire value that the Swift model keeps as Int16 (acks, producer epoch).
    static func int16(_ value: Int32, field: StaticString) throws(DecodeError) -> Int16 {
        guard let narrow = Int16(exactly: value) else {
            throw fieldError("\(field) \(value) does not fit in 16 bits")
        }
        return narrow
    }
}
