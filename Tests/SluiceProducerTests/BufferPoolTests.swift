import NIOCore
import SluiceObservability
import Synchronization
import Testing

@testable import SluiceProducer

/// `buffer.memory` accounting, reuse of `batch.size` buffers, FIFO waiting and `max.block.ms`.
@Suite struct BufferPoolTests {
    static func pool(total: Int = 4_096, poolable: Int = 1_024) -> BufferPool {
        BufferPool(totalBytes: total, poolableBytes: poolable, metrics: ProducerMetrics())
    }

    static func available(_ pool: BufferPool) -> Int {
        pool.state.withLock { pool.available($0) }
    }

    @Test func releasedBatchBufferIsReusedNotReallocated() throws {
        let pool = Self.pool()
        var buffer = try #require(pool.tryAllocate(bytes: 1_024))
        buffer.writeBytes([1, 2, 3])
        let address = buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        pool.deallocate(buffer, bytes: 1_024)
        let again = try #require(pool.tryAllocate(bytes: 1_024))
        #expect(again.readableBytes == 0, "a reused buffer comes back cleared")
        #expect(again.withVeryUnsafeBytes { UInt(bitPattern: $0.baseAddress) } == address)
    }

    @Test func memoryIsBoundedByBufferMemory() throws {
        let pool = Self.pool()
        var held: [ByteBuffer] = []
        for _ in 0..<4 { held.append(try #require(pool.tryAllocate(bytes: 1_024))) }
        #expect(pool.tryAllocate(bytes: 1_024) == nil)
        #expect(Self.available(pool) == 0)
        pool.deallocate(held.removeLast(), bytes: 1_024)
        #expect(Self.available(pool) == 1_024)
    }

    @Test func oversizedRequestFreesPooledBuffersAndIsNotPooledOnRelease() throws {
        let pool = Self.pool()
        let first = try #require(pool.tryAllocate(bytes: 1_024))
        pool.deallocate(first, bytes: 1_024)
        #expect(pool.state.withLock { $0.free.count } == 1)
        let large = try #require(pool.tryAllocate(bytes: 3_500))
        #expect(large.capacity >= 3_500)
        #expect(Self.available(pool) == 4_096 - 3_500)
        #expect(pool.state.withLock { $0.free.isEmpty }, "the pooled buffer was freed to make room")
        pool.deallocate(large, bytes: 3_500)
        #expect(Self.available(pool) == 4_096)
        #expect(pool.state.withLock { $0.free.isEmpty })
    }

    @Test func waitingAllocationGetsMemoryReleasedByACompletedBatch() async throws {
        let pool = Self.pool(total: 1_024)
        let held = try #require(pool.tryAllocate(bytes: 1_024))
        let waiter = Task {
            try await pool.allocate(bytes: 1_024, maxBlock: .seconds(10), clock: SystemProducerClock())
        }
        while !pool.hasWaiters { await Task.yield() }
        #expect(pool.tryAllocate(bytes: 1_024) == nil, "a newcomer does not overtake a waiter")
        pool.deallocate(held, bytes: 1_024)
        let granted = try await waiter.value
        #expect(granted.capacity >= 1_024)
        #expect(!pool.hasWaiters)
    }

    @Test func allocationFailsWithBufferExhaustedAfterMaxBlock() async throws {
        let pool = Self.pool(total: 1_024)
        let held = try #require(pool.tryAllocate(bytes: 1_024))
        let started = ContinuousClock.now
        await #expect {
            try await pool.allocate(bytes: 1_024, maxBlock: .milliseconds(150), clock: SystemProducerClock())
        } throws: { error in
            guard case .bufferExhausted(let waitedMs, let bufferMemory) = error as? ProducerError else { return false }
            return waitedMs >= 150 && bufferMemory == 1_024
        }
        #expect(started.duration(to: .now) >= .milliseconds(150))
        #expect(!pool.hasWaiters, "an expired waiter leaves the queue")
        pool.deallocate(held, bytes: 1_024)
        #expect(Self.available(pool) == 1_024)
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        let pool = Self.pool(total: 1_024)
        let held = try #require(pool.tryAllocate(bytes: 1_024))
        let order = ArrivalLog()
        let first = Task {
            let buffer = try await pool.allocate(bytes: 1_024, maxBlock: .seconds(10), clock: SystemProducerClock())
            order.values.withLock { $0.append(1) }
            pool.deallocate(buffer, bytes: 1_024)
        }
        while pool.waiterCount.load(ordering: .relaxed) < 1 { await Task.yield() }
        let second = Task {
            let buffer = try await pool.allocate(bytes: 1_024, maxBlock: .seconds(10), clock: SystemProducerClock())
            order.values.withLock { $0.append(2) }
            pool.deallocate(buffer, bytes: 1_024)
        }
        while pool.waiterCount.load(ordering: .relaxed) < 2 { await Task.yield() }
        pool.deallocate(held, bytes: 1_024)
        try await first.value
        try await second.value
        #expect(order.values.withLock { $0 } == [1, 2])
    }

    @Test func closeFailsWaitersWithClosed() async throws {
        let pool = Self.pool(total: 1_024)
        _ = try #require(pool.tryAllocate(bytes: 1_024))
        let waiter = Task {
            try await pool.allocate(bytes: 1_024, maxBlock: .seconds(10), clock: SystemProducerClock())
        }
        while !pool.hasWaiters { await Task.yield() }
        pool.close()
        do {
            _ = try await waiter.value
            Issue.record("a waiter must fail when the pool closes")
        } catch {
            #expect(error as? ProducerError == .closed)
        }
    }

    @Test func gaugesSplitBufferMemoryBetweenUsedAndAvailable() throws {
        let metrics = ProducerMetrics()
        let pool = BufferPool(totalBytes: 4_096, poolableBytes: 1_024, metrics: metrics)
        _ = try #require(pool.tryAllocate(bytes: 1_024))
        let text = metrics.emit()
        #expect(text.contains("sluice_producer_accumulator_bytes 1024"))
        #expect(text.contains("sluice_producer_buffer_available_bytes 3072"))
    }
}

/// Order in which waiters were served (shared with their tasks).
final class ArrivalLog: Sendable {
    let values = Mutex<[Int]>([])
}
