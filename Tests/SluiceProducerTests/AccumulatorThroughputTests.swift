import Foundation
import Testing

@testable import SluiceProducer

/// The append path alone, no network (`SLUICE_TEST_BENCH=1`, release build): ns per record for 1 KiB and
/// 100 B values into 256 KiB batches, draining and retiring full batches as the sender would.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["SLUICE_TEST_BENCH"] != nil))
struct AccumulatorThroughputTests {
    @Test(arguments: [1_024, 100])
    func appendCostPerRecord(valueBytes: Int) {
        let accumulator = AccumulatorTestSupport.accumulator(
            AccumulatorTestSupport.settings(batchSizeBytes: 262_144, lingerMs: 60_000), bufferMemoryBytes: 32 << 20)
        let value = [UInt8](repeating: 0x61, count: valueBytes)
        let records = Int(ProcessInfo.processInfo.environment["SLUICE_TEST_BENCH_RECORDS"] ?? "") ?? 2_000_000
        let started = ContinuousClock.now
        value.withUnsafeBytes { bytes in
            var reserved: ReservedMemory?
            for index in 0..<records {
                let request = RecordAccumulator.AppendRequest(
                    topic: "t", choice: .explicit(0), key: nil, value: bytes, timestamp: 1_700_000_000_000,
                    nowNanos: Int64(index), storesCompletion: false, callback: nil)
                if case .appended(_, true) = accumulator.append(request, reserved: &reserved) {
                    for batch in accumulator.drain(node: 1, nowNanos: Int64(index), identity: nil) {
                        let (_, done) = accumulator.resolve(
                            batch, errorCode: .none, message: "", nowNanos: 0, retries: 1)
                        if let done { accumulator.retire(done) }
                    }
                }
            }
        }
        let elapsed = started.duration(to: .now)
        let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        print("bench: \(valueBytes) B values: \(Int(nanos / Double(records))) ns per append")
    }
}
