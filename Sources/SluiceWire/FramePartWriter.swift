import NIOCore

#if canImport(Glibc)
    import Glibc
    private let closeDescriptor = Glibc.close
#elseif canImport(Musl)
    import Musl
    private let closeDescriptor = Musl.close
#elseif canImport(Darwin)
    import Darwin
    private let closeDescriptor = Darwin.close
#endif

/// An outbound channel handler that writes a frame given as `[FramePart]`: bytes as `ByteBuffer`s (gathered
/// into one writev by the channel), file ranges as `FileRegion`s (sendfile: the kernel moves the bytes from
/// the page cache to the socket, never through this process's memory).
///
/// Lifetime: each file range is sent through its own `dup(2)` of the file's descriptor, closed once that
/// write has completed or failed. The dup refers to the same open file, so a segment unlinked (retention) or
/// whose `OpenFile` is released while the bytes are queued stays readable. A file found shorter than its range
/// when it is handed to the channel (cut in place by a follower truncation) fails the write and closes the
/// connection, as Kafka does, rather than have sendfile stall on a short file.
public final class FramePartWriter: ChannelOutboundHandler, Sendable {
    public typealias OutboundIn = [FramePart]
    public typealias OutboundOut = IOData

    public init() {}

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let parts = unwrapOutboundIn(data)
        guard let lastIndex = parts.indices.last else {
            promise?.succeed(())
            return
        }
        for (index, part) in parts.enumerated() {
            let partPromise = index == lastIndex ? promise : nil
            switch part {
            case .bytes(let buffer):
                context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: partPromise)
            case .file(let range):
                do throws(FileRangeError) {
                    let handle = try Self.duplicate(range)
                    let written = context.eventLoop.makePromise(of: Void.self)
                    written.futureResult.whenComplete { _ in try? handle.close() }
                    if let partPromise { written.futureResult.cascade(to: partPromise) }
                    let region = FileRegion(
                        fileHandle: handle, readerIndex: Int(range.position), endIndex: Int(range.position) + range.count)
                    context.write(wrapOutboundOut(.fileRegion(region)), promise: written)
                } catch {
                    // The frame cannot be completed: what was written of it would desynchronise the stream.
                    promise?.fail(error)
                    context.close(promise: nil)
                    return
                }
            }
        }
    }

    /// A descriptor of the range's file of its own, checked to still hold the whole range.
    private static func duplicate(_ range: FileRange) throws(FileRangeError) -> NIOFileHandle {
        let copy = dup(range.file.descriptor)
        guard copy >= 0 else { throw .descriptorFailed(path: range.file.path, operation: "dup", errorNumber: errno) }
        var info = stat()
        guard fstat(copy, &info) == 0 else {
            let errorNumber = errno
            _ = closeDescriptor(copy)
            throw .descriptorFailed(path: range.file.path, operation: "fstat", errorNumber: errorNumber)
        }
        let end = range.position + Int64(range.count)
        guard Int64(info.st_size) >= end else {
            _ = closeDescriptor(copy)
            throw .truncated(path: range.file.path, expectedEnd: end, size: Int64(info.st_size))
        }
        return NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: copy)
    }
}
