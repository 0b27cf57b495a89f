/// One fixed-size, big-endian entry of a segment index file (`.index`, `.timeindex`).
protocol IndexEntry: Sendable, Hashable {
    /// Bytes per entry in the file.
    static var byteCount: Int { get }
    /// The entry's offset relative to the segment's base offset.
    var relativeOffset: UInt32 { get }
    init(decoding bytes: UnsafeRawBufferPointer)
    func encode(into bytes: UnsafeMutableRawBufferPointer)
    /// Whether `self` may follow `previous` in the file (both keys strictly grow as the segment grows).
    func follows(_ previous: Self) -> Bool
    /// Whether the entry points inside a segment of `logSizeBytes` bytes.
    func fits(logSizeBytes: Int) -> Bool
}
