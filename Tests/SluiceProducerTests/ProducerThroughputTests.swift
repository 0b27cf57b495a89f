import Foundation
import SluiceProducer
import Synchronization
import Testing

/// Throughput of the library against a running broker (`SLUICE_TEST_PERF=host:port`, topic `perf`): the issue's
/// benchmark shape — 1 KiB records, acks=1, linger.ms=5, batch.size=256 KiB. Prints MB/s; asserts nothing
/// about speed (the machine decides), only that every record was acknowledged. Run it in release.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["SLUICE_TEST_PERF"] != nil))
struct ProducerThroughputTests {
    static let bootstrap = ProcessInfo.processInfo.environment["SLUICE_TEST_PERF"] ?? ""
    static let records = Int(ProcessInfo.processInfo.environment["SLUICE_TEST_PERF_RECORDS"] ?? "") ?? 500_000

    static func run(recordBytes: Int, withCallbacks: Bool) async throws -> (seconds: Double, acknowledged: Int) {
        let producer = try Producer(config: [
            "bootstrap.servers": bootstrap, "acks": "1", "linger.ms": "5", "batch.size": "262144",
        ])
        let value = [UInt8](repeating: 0x78, count: recordBytes)
        let acknowledged = Atomic<Int>(0)
        let started = ContinuousClock.now
        for _ in 0..<records {
            if withCallbacks {
                try await producer.send(ProducerRecord(topic: "perf", value: value)) { result in
                    if case .success = result { acknowledged.wrappingAdd(1, ordering: .relaxed) }
                }
            } else {
                try await producer.send(ProducerRecord(topic: "perf", value: value), completion: nil)
            }
        }
        await producer.flush()
        let elapsed = started.duration(to: .now)
        await producer.close()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (seconds, withCallbacks ? acknowledged.load(ordering: .relaxed) : records)
    }

    @Test(arguments: [(1_024, false), (1_024, true), (100, false)])
    func throughput(recordBytes: Int, withCallbacks: Bool) async throws {
        let (seconds, acknowledged) = try await Self.run(recordBytes: recordBytes, withCallbacks: withCallbacks)
        let megabytes = Double(Self.records * recordBytes) / 1_048_576
        print(
            "perf: \(Self.records) records of \(recordBytes) B, callbacks \(withCallbacks): "
                + "\(Int(Double(Self.records) / seconds)) records/s, \(Int(megabytes / seconds)) MB/s")
        #expect(acknowledged == Self.records)
    }
}
