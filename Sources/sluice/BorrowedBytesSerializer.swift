import SluiceProducer

/// Lends `BorrowedBytes` to the producer as they are: no copy, no allocation per record. Only valid with a
/// producer that has no interceptors (see `BorrowedBytes` for the lifetime invariant).
struct BorrowedBytesSerializer: Serializer {
    func withSerialized<Result>(
        _ value: BorrowedBytes, topic: String, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        try body(value.bytes)
    }
}
