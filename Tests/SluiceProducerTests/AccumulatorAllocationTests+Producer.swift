import Testing

@testable import SluiceProducer

extension AccumulatorAllocationTests {
    /// A producer with no broker: the topic's layout is set directly and linger is long, so the sender stays
    /// asleep and every batch stays in the accumulator.
    static func brokerlessProducer() throws -> Producer<[UInt8], [UInt8]> {
        let producer = try Producer(config: [
            "bootstrap.servers": "127.0.0.1:1", "acks": "1", "linger.ms": "60000", "batch.size": "4194304",
            "buffer.memory": "8388608",
        ])
        producer.accumulator.setLayout(
            TopicLayout(leaders: [1]), topic: "t", brokers: [AccumulatorTestSupport.broker])
        return producer
    }

    /// Runs `warmUp` then `measured` on a thread of their own (`SingleThreadTaskExecutor`: every job of this
    /// task runs there, even after a suspension, and no other task's) and returns that thread's allocations
    /// during `measured`. What the sender and the test runner allocate on their threads meanwhile is not
    /// counted; it is printed, to tell such noise from the code under test when a window is not empty.
    static func allocationsOnOneThread(
        _ label: String, warmUp: () async throws -> Void, measured: () async throws -> Void
    ) async throws -> Int {
        let executor = SingleThreadTaskExecutor(name: "allocation-window")
        defer { executor.shutdown() }
        return try await withTaskExecutorPreference(executor) {
            try await warmUp()
            #expect(executor.isCurrent, "the warm-up ran on the measuring thread")
            let total = MallocCounter.total!()
            let before = MallocCounter.thread!()
            try await measured()
            let allocations = MallocCounter.thread!() - before
            let others = MallocCounter.total!() - total - allocations
            #expect(executor.isCurrent, "the measured sends ended on the measuring thread")
            print("\(label): \(allocations) allocations on the sending thread, \(others) on other threads")
            return allocations
        }
    }

    @Test func producerSendWithoutCompletionAllocatesNothing() async throws {
        let producer = try Self.brokerlessProducer()
        let value = [UInt8](repeating: 0x62, count: 100)
        let allocations = try await Self.allocationsOnOneThread(
            "10,000 sends",
            warmUp: {
                for _ in 0..<1_000 { try await producer.send(ProducerRecord(topic: "t", value: value), completion: nil) }
            },
            measured: {
                for _ in 0..<10_000 { try await producer.send(ProducerRecord(topic: "t", value: value), completion: nil) }
            })
        await producer.close(timeout: .zero)
        #expect(allocations == 0, "\(allocations) allocations in 10,000 sends")
    }

    @Test func producerSendContentsOfWithoutCompletionAllocatesNothing() async throws {
        // As above, in runs of 100 records appended to a leased batch: still nothing allocated.
        let producer = try Self.brokerlessProducer()
        let value = [UInt8](repeating: 0x62, count: 100)
        let run = Array(repeating: ProducerRecord<[UInt8], [UInt8]>(topic: "t", value: value), count: 100)
        let allocations = try await Self.allocationsOnOneThread(
            "100 runs of 100 records",
            warmUp: { for _ in 0..<10 { try await producer.send(contentsOf: run, completion: nil) } },
            measured: { for _ in 0..<100 { try await producer.send(contentsOf: run, completion: nil) } })
        await producer.close(timeout: .zero)
        #expect(allocations == 0, "\(allocations) allocations in 100 runs of 100 records")
    }
}
