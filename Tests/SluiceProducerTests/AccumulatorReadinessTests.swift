import SluiceObservability
import Testing

@testable import SluiceProducer

/// The readiness rule (pure) and `RecordAccumulator.ready` with an injected clock.
@Suite struct AccumulatorReadinessTests {
    typealias Head = BatchReadiness.Head
    static let calm = BatchReadiness.Pressure()

    static func evaluate(_ head: Head, nowMs: Int64, pressure: BatchReadiness.Pressure = calm) -> BatchReadiness {
        BatchReadiness.evaluate(head, nowMs: nowMs, lingerMs: 5, retryBackoffMs: 100, pressure: pressure)
    }

    @Test func fullBatchIsReadyAtOnceWithReasonFull() {
        let head = Head(openedMs: 1_000, attempts: 0, lastAttemptMs: 0, isFull: true)
        #expect(Self.evaluate(head, nowMs: 1_000) == .ready(.full))
    }

    @Test func batchWaitsForTheRestOfLingerThenLeavesByLinger() {
        let head = Head(openedMs: 1_000, attempts: 0, lastAttemptMs: 0, isFull: false)
        #expect(Self.evaluate(head, nowMs: 1_000) == .waiting(delayMs: 5))
        #expect(Self.evaluate(head, nowMs: 1_003) == .waiting(delayMs: 2))
        #expect(Self.evaluate(head, nowMs: 1_005) == .ready(.linger))
        #expect(Self.evaluate(head, nowMs: 9_999) == .ready(.linger))
    }

    @Test func flushAndCloseMakeALingeringBatchReadyWithReasonFlush() {
        let head = Head(openedMs: 1_000, attempts: 0, lastAttemptMs: 0, isFull: false)
        #expect(Self.evaluate(head, nowMs: 1_001, pressure: .init(isFlushing: true)) == .ready(.flush))
        #expect(Self.evaluate(head, nowMs: 1_001, pressure: .init(isClosing: true)) == .ready(.flush))
    }

    @Test func memoryWaiterMakesALingeringBatchReadyWithReasonMemory() {
        let head = Head(openedMs: 1_000, attempts: 0, lastAttemptMs: 0, isFull: false)
        #expect(Self.evaluate(head, nowMs: 1_001, pressure: .init(isMemoryExhausted: true)) == .ready(.memory))
    }

    @Test func reasonsApplyInOrderFullLingerFlushMemory() {
        let all = BatchReadiness.Pressure(isFlushing: true, isClosing: true, isMemoryExhausted: true)
        let full = Head(openedMs: 0, attempts: 0, lastAttemptMs: 0, isFull: true)
        let lingered = Head(openedMs: 0, attempts: 0, lastAttemptMs: 0, isFull: false)
        #expect(Self.evaluate(full, nowMs: 10, pressure: all) == .ready(.full))
        #expect(Self.evaluate(lingered, nowMs: 10, pressure: all) == .ready(.linger))
        #expect(Self.evaluate(lingered, nowMs: 1, pressure: all) == .ready(.flush))
    }

    @Test func retriedBatchBacksOffEvenWhenFullOrFlushing() {
        let head = Head(openedMs: 0, attempts: 1, lastAttemptMs: 1_000, isFull: true)
        let flushing = BatchReadiness.Pressure(isFlushing: true)
        #expect(Self.evaluate(head, nowMs: 1_040, pressure: flushing) == .waiting(delayMs: 60))
        #expect(Self.evaluate(head, nowMs: 1_100) == .ready(.full))
        let notFull = Head(openedMs: 0, attempts: 2, lastAttemptMs: 1_000, isFull: false)
        #expect(Self.evaluate(notFull, nowMs: 1_100) == .ready(.linger))
    }

    @Test func zeroLingerSendsAtOnce() {
        let head = Head(openedMs: 1_000, attempts: 0, lastAttemptMs: 0, isFull: false)
        #expect(
            BatchReadiness.evaluate(head, nowMs: 1_000, lingerMs: 0, retryBackoffMs: 100, pressure: Self.calm)
                == .ready(.linger))
    }

    // MARK: RecordAccumulator.ready with an injected clock

    @Test func readyReportsNextCheckDelayUntilLingerThenTheLeader() {
        let accumulator = AccumulatorTestSupport.accumulator(AccumulatorTestSupport.settings(lingerMs: 50))
        AccumulatorTestSupport.append(accumulator, nowMs: 1_000)
        let early = accumulator.ready(nowMs: 1_020, sequencing: false)
        #expect(early.readyNodes.isEmpty)
        #expect(early.nextCheckDelayMs == 30)
        let due = accumulator.ready(nowMs: 1_050, sequencing: false)
        #expect(due.readyNodes == [1])
        let drained = accumulator.drain(node: 1, nowNanos: 1_050 * 1_000_000, identity: nil)
        #expect(drained.count == 1)
        #expect(drained.first?.sendReason == .linger)
        #expect(accumulator.ready(nowMs: 1_050, sequencing: false).nextCheckDelayMs == nil)
    }

    @Test func fullBatchMakesTheLeaderReadyBeforeLinger() {
        let accumulator = AccumulatorTestSupport.accumulator(
            AccumulatorTestSupport.settings(batchSizeBytes: 256, lingerMs: 10_000))
        let value = [UInt8](repeating: 7, count: 100)
        var wakes = 0
        for _ in 0..<3 {
            if case .appended(_, true) = AccumulatorTestSupport.append(accumulator, value: value, nowMs: 0) {
                wakes += 1
            }
        }
        #expect(wakes >= 2, "the first batch opening and its sealing both wake the sender")
        #expect(accumulator.ready(nowMs: 1, sequencing: false).readyNodes == [1])
        let drained = accumulator.drain(node: 1, nowNanos: 1_000_000, identity: nil)
        #expect(drained.map(\.sendReason) == [.full])
        #expect(drained.first?.recordCount == 1)
    }

    @Test func flushInProgressDrainsWithReasonFlush() async {
        let accumulator = AccumulatorTestSupport.accumulator(AccumulatorTestSupport.settings(lingerMs: 60_000))
        AccumulatorTestSupport.append(accumulator, nowMs: 0)
        let flusher = Task { await accumulator.awaitCompletion(isFlush: true, timeout: .seconds(5)) }
        while accumulator.state.withLock({ $0.flushesInProgress }) == 0 { await Task.yield() }
        #expect(accumulator.ready(nowMs: 1, sequencing: false).readyNodes == [1])
        let drained = accumulator.drain(node: 1, nowNanos: 1_000_000, identity: nil)
        #expect(drained.map(\.sendReason) == [.flush])
        for batch in drained {
            let (decision, done) = accumulator.resolve(
                batch, errorCode: .none, message: "", nowNanos: 2_000_000, retries: 3)
            #expect(decision == .acknowledge)
            accumulator.retire(done!)
        }
        #expect(await flusher.value == true)
        #expect(accumulator.state.withLock { $0.flushesInProgress } == 0)
    }

    @Test func partitionWithoutLeaderAsksForMetadata() {
        let accumulator = AccumulatorTestSupport.accumulator()
        accumulator.setLayout(TopicLayout(leaders: [-1]), topic: "t", brokers: [])
        AccumulatorTestSupport.append(accumulator, nowMs: 0)
        let check = accumulator.ready(nowMs: 100, sequencing: false)
        #expect(check.readyNodes.isEmpty)
        #expect(check.unknownLeaderTopics == ["t"])
    }

    @Test func oneInFlightMutesThePartitionWhenOrderIsStrict() {
        let accumulator = AccumulatorTestSupport.accumulator(
            AccumulatorTestSupport.settings(lingerMs: 0, maxInFlight: 1))
        AccumulatorTestSupport.append(accumulator, nowMs: 0)
        #expect(accumulator.drain(node: 1, nowNanos: 0, identity: nil).count == 1)
        AccumulatorTestSupport.append(accumulator, nowMs: 1)
        #expect(accumulator.ready(nowMs: 10, sequencing: false).readyNodes.isEmpty)
        #expect(accumulator.drain(node: 1, nowNanos: 10_000_000, identity: nil).isEmpty)
    }

    @Test func waitingAppenderMakesLingeringBatchesLeaveByMemory() async throws {
        let accumulator = AccumulatorTestSupport.accumulator(
            AccumulatorTestSupport.settings(batchSizeBytes: 1_024, lingerMs: 60_000), bufferMemoryBytes: 2_048,
            partitions: 2)
        AccumulatorTestSupport.append(accumulator, choice: .explicit(0), nowMs: 0)
        AccumulatorTestSupport.append(accumulator, choice: .explicit(1), nowMs: 0)
        let large = [UInt8](repeating: 3, count: 1_000)
        guard
            case .needsMemory(let bytes) = AccumulatorTestSupport.append(
                accumulator, choice: .explicit(0), value: large)
        else {
            Issue.record("both buffers are taken: the third batch must wait for memory")
            return
        }
        let pool = accumulator.pool
        let waiter = Task {
            try await pool.allocate(bytes: bytes, maxBlock: .seconds(10), clock: SystemProducerClock())
        }
        while !pool.hasWaiters { await Task.yield() }
        #expect(accumulator.ready(nowMs: 1, sequencing: false).readyNodes == [1])
        var reasons: [Int32: BatchSendReason] = [:]
        for batch in accumulator.drain(node: 1, nowNanos: 1_000_000, identity: nil) {
            reasons[batch.topicPartition.partition] = batch.sendReason
            let (_, done) = accumulator.resolve(batch, errorCode: .none, message: "", nowNanos: 2_000_000, retries: 1)
            accumulator.retire(done!)
        }
        #expect(reasons == [0: .full, 1: .memory])
        _ = try await waiter.value
    }
}
