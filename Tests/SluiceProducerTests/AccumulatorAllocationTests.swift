import Foundation
import Testing

@testable import SluiceProducer

/// No allocation per record on the append path (style #8). Counts heap allocations through a malloc-counting
/// `LD_PRELOAD` shim that exports `long sluice_malloc_count(void)` (a dozen lines of C wrapping
/// `__libc_malloc` & co., `Tests/Support/malloccount.c`); without the shim the suite is disabled, and
/// `scripts/test` runs it a second time with the shim preloaded. Holds in debug builds as well as release.
@Suite(.serialized, .enabled(if: MallocCounter.read != nil))
struct AccumulatorAllocationTests {
    static var mallocCount: MallocCounter.Read? { MallocCounter.read }

    /// Appends `records` values of `valueBytes` to partition 0, draining and retiring full batches as the
    /// sender would; returns allocations per record.
    static func allocationsPerRecord(records: Int, valueBytes: Int, batchSizeBytes: Int) -> Double {
        let accumulator = AccumulatorTestSupport.accumulator(
            AccumulatorTestSupport.settings(batchSizeBytes: batchSizeBytes, lingerMs: 60_000),
            bufferMemoryBytes: 8 * batchSizeBytes)
        let value = [UInt8](repeating: 0x61, count: valueBytes)
        return value.withUnsafeBytes { bytes in
            var reserved: ReservedMemory?
            var before = 0
            for index in 0..<(records + 1_000) {
                if index == 1_000 { before = mallocCount!() }
                let request = RecordAccumulator.AppendRequest(
                    topic: "t", choice: .explicit(0), key: nil, value: bytes, timestamp: 1_700_000_000_000,
                    nowNanos: Int64(index), storesCompletion: false, callback: nil)
                guard case .appended(_, true) = accumulator.append(request, reserved: &reserved) else { continue }
                for batch in accumulator.drain(node: 1, nowNanos: Int64(index), identity: nil) {
                    let (_, done) = accumulator.resolve(batch, errorCode: .none, message: "", nowNanos: 0, retries: 1)
                    if let done { accumulator.retire(done) }
                }
            }
            return Double(mallocCount!() - before) / Double(records)
        }
    }

    @Test func appendingIntoAnOpenBatchAllocatesNothing() {
        // One 4 MiB batch holds all 10,000 records of 100 B: no batch opens during the measurement.
        let perRecord = Self.allocationsPerRecord(records: 10_000, valueBytes: 100, batchSizeBytes: 4 << 20)
        #expect(perRecord == 0, "\(perRecord) allocations per append")
    }

    @Test func steadyStateAllocatesOnlyPerBatch() {
        // 1 KiB records in 256 KiB batches: ~250 records per batch; the per-batch allocations (send-time array,
        // drained list) must stay well under one per record.
        let perRecord = Self.allocationsPerRecord(records: 100_000, valueBytes: 1_024, batchSizeBytes: 256 << 10)
        print("allocations per record, 1 KiB in 256 KiB batches: \(perRecord)")
        #expect(perRecord < 0.05, "\(perRecord) allocations per append")
    }
}

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

    @Test func producerSendWithoutCompletionAllocatesNothing() async throws {
        let producer = try Self.brokerlessProducer()
        let value = [UInt8](repeating: 0x62, count: 100)
        for _ in 0..<1_000 { try await producer.send(ProducerRecord(topic: "t", value: value), completion: nil) }
        let before = MallocCounter.read!()
        for _ in 0..<10_000 { try await producer.send(ProducerRecord(topic: "t", value: value), completion: nil) }
        let allocations = MallocCounter.read!() - before
        await producer.close(timeout: .zero)
        #expect(allocations == 0, "\(allocations) allocations in 10,000 sends")
    }
}

extension AccumulatorAllocationTests {
    @Test func producerSendContentsOfWithoutCompletionAllocatesNothing() async throws {
        // As above, in runs of 100 records appended to a leased batch: still nothing allocated.
        let producer = try Self.brokerlessProducer()
        let value = [UInt8](repeating: 0x62, count: 100)
        let run = Array(repeating: ProducerRecord<[UInt8], [UInt8]>(topic: "t", value: value), count: 100)
        for _ in 0..<10 { try await producer.send(contentsOf: run, completion: nil) }
        let before = MallocCounter.read!()
        for _ in 0..<100 { try await producer.send(contentsOf: run, completion: nil) }
        let allocations = MallocCounter.read!() - before
        await producer.close(timeout: .zero)
        #expect(allocations == 0, "\(allocations) allocations in 100 runs of 100 records")
    }
}

/// The shim's counter, found with `dlsym` (RTLD_DEFAULT); nil when the shim is not preloaded.
enum MallocCounter {
    typealias Read = @convention(c) () -> Int

    static let read: Read? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sluice_malloc_count") else { return nil }
        return unsafeBitCast(symbol, to: Read.self)
    }()
}
