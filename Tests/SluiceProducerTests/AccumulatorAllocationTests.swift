import Testing

@testable import SluiceProducer

/// No allocation per record on the append path (style #8). Counts heap allocations through a malloc-counting
/// `LD_PRELOAD` shim (`Tests/Support/malloccount.c`, see `MallocCounter`); without the shim the suite is
/// disabled, and `scripts/test` runs it a second time with the shim preloaded. Holds in debug builds as well
/// as release.
///
/// Every window counts the allocations of the thread that runs the measured code (`MallocCounter.thread`),
/// never the process-wide total: other threads allocate meanwhile. Measured with a debug shim recording each
/// allocation's thread and backtrace, when windows over the total failed 5 of 30 runs on a loaded machine
/// (1 to 52 allocations): the brokerless producer's sender, woken by the first batch, cancelled its 60 s
/// linger sleep (a `CancellationError`, plus Swift Testing's backtrace of every thrown error) and armed a
/// new one (a task group, two child tasks, a dispatch timer) late enough to land in the window; libdispatch
/// threads serving those timers; and, in a synchronous test before any producer existed, another thread of
/// the test runner instantiating generic metadata.
@Suite(.serialized, .enabled(if: MallocCounter.isAvailable))
struct AccumulatorAllocationTests {
    /// Appends `records` values of `valueBytes` to partition 0, draining and retiring full batches as the
    /// sender would; returns this thread's allocations per record. Synchronous: one thread runs it all.
    static func allocationsPerRecord(records: Int, valueBytes: Int, batchSizeBytes: Int) -> Double {
        let accumulator = AccumulatorTestSupport.accumulator(
            AccumulatorTestSupport.settings(batchSizeBytes: batchSizeBytes, lingerMs: 60_000),
            bufferMemoryBytes: 8 * batchSizeBytes)
        let value = [UInt8](repeating: 0x61, count: valueBytes)
        return value.withUnsafeBytes { bytes in
            var reserved: ReservedMemory?
            var before = 0
            for index in 0..<(records + 1_000) {
                if index == 1_000 { before = MallocCounter.thread!() }
                let request = RecordAccumulator.AppendRequest(
                    topic: "t", choice: .explicit(0), key: nil, value: bytes, timestamp: 1_700_000_000_000,
                    nowNanos: Int64(index), storesCompletion: false, callback: nil)
                guard case .appended(_, true) = accumulator.append(request, reserved: &reserved) else { continue }
                for batch in accumulator.drain(node: 1, nowNanos: Int64(index), identity: nil) {
                    let (_, done) = accumulator.resolve(batch, errorCode: .none, message: "", nowNanos: 0, retries: 1)
                    if let done { accumulator.retire(done) }
                }
            }
            return Double(MallocCounter.thread!() - before) / Double(records)
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
