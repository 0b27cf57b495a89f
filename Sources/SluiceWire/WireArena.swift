import CProtobufC
import NIOCore

/// Owns the C memory of one encode: protobuf-c message structs, pointer arrays and C strings, bump-allocated
/// from a few chunks, plus retains on the storages of `ByteBuffer`s whose bytes protobuf-c reads in place.
///
/// C memory has one owner: everything is freed (and every retain released) in `deinit`, so callers keep
/// the arena alive with `withExtendedLifetime` until packing is done. Not Sendable: one encode, one thread.
final class WireArena {
    /// First chunk size; later chunks double, up to `chunkBytesMax`. Bound: a request's own size.
    private static let chunkBytesInitial = 4 * 1024
    private static let chunkBytesMax = 1024 * 1024
    private static let chunkAlignment = 16

    private var chunks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remainingBytes = 0
    private var nextChunkBytes = WireArena.chunkBytesInitial
    private var retainedStorages: [Unmanaged<AnyObject>] = []

    deinit {
        for chunk in chunks { chunk.deallocate() }
        for storage in retainedStorages { storage.release() }
    }

    /// Uninitialised memory for `byteCount` bytes aligned to `alignment`, valid until the arena dies.
    func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        precondition(byteCount > 0, "arena allocations are never empty")
        precondition(alignment > 0 && alignment <= WireArena.chunkAlignment, "alignment \(alignment) unsupported")
        if let cursor {
            let aligned = cursor.alignedUp(toMultipleOf: alignment)
            let needed = (aligned - cursor) + byteCount
            if needed <= remainingBytes {
                self.cursor = aligned + byteCount
                remainingBytes -= needed
                return aligned
            }
        }
        let chunkBytes = max(nextChunkBytes, byteCount)
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkBytes, alignment: WireArena.chunkAlignment)
        chunks.append(chunk)
        nextChunkBytes = min(nextChunkBytes * 2, WireArena.chunkBytesMax)
        cursor = chunk + byteCount
        remainingBytes = chunkBytes - byteCount
        return chunk
    }

    /// A protobuf-c message, initialised by its generated `sluice__xxx__init`.
    func message<Message>(_ initialize: (UnsafeMutablePointer<Message>) -> Void) -> UnsafeMutablePointer<Message> {
        let raw = allocate(byteCount: MemoryLayout<Message>.stride, alignment: MemoryLayout<Message>.alignment)
        let message = raw.bindMemory(to: Message.self, capacity: 1)
        initialize(message)
        return message
    }

    /// A NUL-terminated copy of `string` (cut at an embedded NUL by whoever reads it as a C string).
    func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        let count = string.utf8.count
        let raw = allocate(byteCount: count + 1, alignment: 1)
        UnsafeMutableRawBufferPointer(start: raw, count: count).copyBytes(from: string.utf8)
        raw.storeBytes(of: 0, toByteOffset: count, as: UInt8.self)
        return raw.bindMemory(to: CChar.self, capacity: count + 1)
    }

    /// A repeated string field: its count and its C array of C strings (nil when empty; protobuf-c reads `n`
    /// entries only), together so the two never disagree.
    func cStrings(_ strings: [String]) -> (count: Int, array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
        guard !strings.isEmpty else { return (0, nil) }
        let array = typedArray(of: UnsafeMutablePointer<CChar>?.self, count: strings.count)
        for (index, string) in strings.enumerated() {
            array[index] = cString(string)
        }
        return (strings.count, array)
    }

    /// A repeated int32 field: its count and a C copy of the values (nil when empty).
    func int32s(_ values: [Int32]) -> (count: Int, array: UnsafeMutablePointer<Int32>?) {
        guard !values.isEmpty else { return (0, nil) }
        let array = typedArray(of: Int32.self, count: values.count)
        for (index, value) in values.enumerated() {
            array[index] = value
        }
        return (values.count, array)
    }

    /// A C array of message pointers built by `build`; nil when `elements` is empty.
    func messages<Element, Message>(
        _ elements: [Element], _ build: (Element) -> UnsafeMutablePointer<Message>
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<Message>?>? {
        guard !elements.isEmpty else { return nil }
        let array = typedArray(of: UnsafeMutablePointer<Message>?.self, count: elements.count)
        for (index, element) in elements.enumerated() {
            array[index] = build(element)
        }
        return array
    }

    /// A `bytes` field pointing at `buffer`'s readable bytes, kept valid by retaining its storage.
    func binaryData(_ buffer: ByteBuffer) -> ProtobufCBinaryData {
        buffer.withUnsafeReadableBytesWithStorageManagement { bytes, storage in
            guard bytes.count > 0, let base = bytes.baseAddress else { return ProtobufCBinaryData(len: 0, data: nil) }
            retainedStorages.append(storage.retain())
            // protobuf-c's struct is not const-correct; pack only reads through this pointer.
            let data = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
            return ProtobufCBinaryData(len: bytes.count, data: data)
        }
    }

    private func typedArray<Element>(of type: Element.Type, count: Int) -> UnsafeMutablePointer<Element> {
        let raw = allocate(
            byteCount: MemoryLayout<Element>.stride * count, alignment: MemoryLayout<Element>.alignment)
        return raw.bindMemory(to: Element.self, capacity: count)
    }
}
