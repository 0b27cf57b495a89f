/// Bytes the CLI lends to `Producer.send` without copying them: a line in stdin's buffer, or the perf
/// payload. Serialized by `BorrowedBytesSerializer`, which hands the same pointer to the producer.
///
/// `@unchecked Sendable`, and safe only under this invariant: **the bytes stay valid and unchanged until
/// `send(_:completion:)` returns.** That call copies them into the partition's batch buffer before it returns
/// (the producer only lends serialized bytes to its accumulator; see `Producer.append`), so nothing reads the
/// pointer afterwards — provided no `ProducerInterceptor` is installed, since an interceptor's `onSend` could
/// keep the record. The CLI creates its producers with `interceptors: []` for that reason; the owners of the
/// memory (`StandardInputReader`, `ProducerPerformance`) refill or free it only after the send returned.
struct BorrowedBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 0 || bytes.baseAddress != nil, "non-empty bytes have an address")
        self.bytes = bytes
    }
}
