import NIOCore

/// A buffer a `send` got from the pool after waiting, carried into its next append attempt; given back to
/// the pool when that attempt finds room in an existing batch instead.
struct ReservedMemory: Sendable {
    let buffer: ByteBuffer
    /// Bytes of `buffer.memory` it accounts for.
    let bytes: Int
}
