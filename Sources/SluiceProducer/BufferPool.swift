import NIOCore
import SluiceObservability
import Synchronization

/// The producer's memory: `buffer.memory` bytes in total, handed out as batch buffers (Kafka's `BufferPool`).
///
/// Buffers of exactly `batch.size` bytes are pooled: a released one goes on a free list and the next batch
/// reuses it, so steady-state appends allocate nothing. A record larger than `batch.size` gets a buffer of
/// its own size, freed (not pooled) when its batch completes.
///
/// Bound: `buffer.memory` (`totalBytes`). `allocate` waits in FIFO order for memory released by completed
/// batches, at most `max.block.ms`, then throws `.bufferExhausted`. While anyone waits, `hasWaiters` is true
/// and the accumulator makes its batches ready with reason `memory`.
///
/// Lock order: the accumulator's lock may be held while calling `tryAllocate`/`deallocate`; this type never
/// calls back into the accumulator, and it resumes waiters outside its own lock.
@usableFromInline
final class BufferPool: Sendable {
    /// A `send` waiting for `bytes` of memory.
    struct Waiter {
        let id: UInt64
        let bytes: Int
        let continuation: CheckedContinuation<Result<ByteBuffer, ProducerError>, Never>
    }

    /// Everything the pool's lock guards.
    struct State {
        /// Bytes neither handed out nor on the free list.
        var unallocatedBytes: Int
        /// Released `batch.size` buffers, emptied, ready for reuse. Bound: totalBytes / poolableBytes.
        var free: [ByteBuffer] = []
        /// Appenders waiting for memory, oldest first. Bound: concurrent `send` callers.
        var waiters = CircularBuffer<Waiter>()
        var nextWaiterId: UInt64 = 0
        /// Waiters that have an id but are not queued yet; `true` once expired before they got there.
        var announced: [UInt64: Bool] = [:]
        /// Set by `close()`: allocations fail with `.closed`.
        var isClosed = false
    }

    /// buffer.memory
    let totalBytes: Int
    /// batch.size: the size of pooled buffers.
    let poolableBytes: Int
    let metrics: ProducerMetrics
    let allocator = ByteBufferAllocator()
    let state: Mutex<State>
    /// Waiters now, readable without the lock (the readiness check reads it on every sender loop).
    let waiterCount = Atomic<Int>(0)

    init(totalBytes: Int, poolableBytes: Int, metrics: ProducerMetrics) {
        precondition(totalBytes > 0, "buffer.memory must be positive")
        precondition(poolableBytes > 0, "batch.size must be positive")
        self.totalBytes = totalBytes
        self.poolableBytes = poolableBytes
        self.metrics = metrics
        self.state = Mutex(State(unallocatedBytes: totalBytes))
        metrics.setBufferMemory(usedBytes: 0, availableBytes: totalBytes)
    }

    /// Whether some `send` is waiting for memory (readiness reason `memory`).
    var hasWaiters: Bool { waiterCount.load(ordering: .relaxed) > 0 }

    /// A buffer of at least `bytes` capacity, or nil when memory is short or others are already waiting
    /// (first come, first served). Never blocks.
    func tryAllocate(bytes: Int) -> ByteBuffer? {
        precondition(bytes > 0 && bytes <= totalBytes, "allocation of \(bytes) bytes from a pool of \(totalBytes)")
        return state.withLock { state -> ByteBuffer? in
            guard state.waiters.isEmpty, !state.isClosed else { return nil }
            return take(bytes: bytes, from: &state)
        }
    }

    /// Returns a batch's buffer; `bytes` is what it was allocated with. Hands memory to waiters in order.
    @usableFromInline
    func deallocate(_ buffer: ByteBuffer, bytes: Int) {
        var served: [(CheckedContinuation<Result<ByteBuffer, ProducerError>, Never>, ByteBuffer)] = []
        state.withLock { state in
            if bytes == poolableBytes && buffer.capacity >= poolableBytes {
                // Index moves, not clear(): clear() reallocates when the storage is still shared (a caller's
                // copy that is about to die); moving indices never copies.
                var reusable = buffer
                reusable.moveReaderIndex(to: 0)
                reusable.moveWriterIndex(to: 0)
                state.free.append(reusable)
            } else {
                state.unallocatedBytes += bytes
            }
            assert(available(state) <= totalBytes, "released more than buffer.memory")
            served = serveWaiters(&state)
            publish(state)
        }
        for (continuation, granted) in served { continuation.resume(returning: .success(granted)) }
    }

    /// Memory for `bytes` out of the free list or the unallocated bytes; nil when there is not enough.
    /// Caller holds the lock.
    func take(bytes: Int, from state: inout State) -> ByteBuffer? {
        if bytes == poolableBytes, let reused = state.free.popLast() {
            publish(state)
            return reused
        }
        guard available(state) >= bytes else { return nil }
        // Free pooled buffers until the unallocated bytes cover the request (Kafka's freeUp).
        while state.unallocatedBytes < bytes, state.free.popLast() != nil {
            state.unallocatedBytes += poolableBytes
        }
        assert(state.unallocatedBytes >= bytes, "available memory did not cover \(bytes) bytes")
        state.unallocatedBytes -= bytes
        publish(state)
        return allocator.buffer(capacity: bytes)
    }

    /// Bytes not held by batches: unallocated plus the free list.
    func available(_ state: State) -> Int {
        state.unallocatedBytes + state.free.count * poolableBytes
    }

    /// Sets the memory gauges from values read under the lock, so used + available = buffer.memory.
    func publish(_ state: State) {
        let availableBytes = available(state)
        metrics.setBufferMemory(usedBytes: totalBytes - availableBytes, availableBytes: availableBytes)
    }

    /// Grants memory to the waiters at the head of the queue while it lasts. Caller holds the lock and
    /// resumes the returned continuations after releasing it.
    func serveWaiters(
        _ state: inout State
    ) -> [(CheckedContinuation<Result<ByteBuffer, ProducerError>, Never>, ByteBuffer)] {
        var served: [(CheckedContinuation<Result<ByteBuffer, ProducerError>, Never>, ByteBuffer)] = []
        while let first = state.waiters.first {
            guard let buffer = take(bytes: first.bytes, from: &state) else { break }
            state.waiters.removeFirst()
            waiterCount.wrappingSubtract(1, ordering: .relaxed)
            served.append((first.continuation, buffer))
        }
        return served
    }
}
