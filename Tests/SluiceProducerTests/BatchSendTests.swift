import SluiceClient
import SluiceWire
import Synchronization
import Testing

@testable import SluiceProducer

/// `send(contentsOf:)`: a run of records appended into leased batches without the accumulator's lock,
/// waiting (leases given back) for memory or metadata like `send(_:completion:)`, in order, stopping at an error.
///
/// No broker: the topic's layout names a broker on a port nothing listens on, so the producer's sender never
/// drains; the tests drain the accumulator by hand, as the sender would.
@Suite(.serialized)
struct BatchSendTests {
    /// A broker address that refuses connections.
    static let unreachableBroker = BrokerInfo(nodeId: 1, host: "127.0.0.1", port: 1)

    static func producer(
        batchSizeBytes: Int, bufferMemoryBytes: Int, partitions: Int = 1, partitioner: (any Partitioner)? = nil
    ) throws -> Producer<[UInt8], [UInt8]> {
        let producer = try Producer<[UInt8], [UInt8]>(
            config: [
                "bootstrap.servers": "127.0.0.1:1", "acks": "1", "linger.ms": "60000",
                "batch.size": "\(batchSizeBytes)", "buffer.memory": "\(bufferMemoryBytes)", "max.block.ms": "20000",
            ], keySerializer: BytesSerializer(), valueSerializer: BytesSerializer(), partitioner: partitioner)
        producer.accumulator.setLayout(
            TopicLayout(leaders: Array(repeating: 1, count: partitions)), topic: "t", brokers: [unreachableBroker])
        return producer
    }

    /// Drains every sendable batch (linger counted as passed), acknowledges and retires it, and returns the
    /// values of its records in drain order, with the partition of each.
    static func drainValues(_ producer: Producer<[UInt8], [UInt8]>) throws -> [(partition: Int32, value: [UInt8])] {
        let accumulator = producer.accumulator
        let lateNanos = producer.clock.monotonicNanos() + 3_600 * 1_000_000_000
        var values: [(partition: Int32, value: [UInt8])] = []
        for batch in accumulator.drain(node: 1, nowNanos: lateNanos, identity: nil) {
            let partition = batch.topicPartition.partition
            for record in try AccumulatorTestSupport.records(of: batch) {
                values.append((partition, record.value ?? []))
            }
            let (_, done) = accumulator.resolve(batch, errorCode: .none, message: "", nowNanos: 0, retries: 1)
            if let done { accumulator.retire(done) }
        }
        return values
    }

    /// Records per run in these tests: long enough to take the lease path (`minimumLeasedRun`).
    static let runLength = 20

    /// A run of `runLength` records whose record `index` names partition 7, which the topic does not have.
    static func runWithInvalidPartition(at index: Int) -> [ProducerRecord<[UInt8], [UInt8]>] {
        (0..<runLength).map { $0 == index ? record($0, partition: 7) : record($0) }
    }

    /// `drainValues` until nothing is left (a drain takes at most one batch per partition).
    static func drainAll(_ producer: Producer<[UInt8], [UInt8]>) throws -> [(partition: Int32, value: [UInt8])] {
        var values: [(partition: Int32, value: [UInt8])] = []
        // Bounded: every pass retires at least one batch, or ends the loop.
        while true {
            let drained = try drainValues(producer)
            if drained.isEmpty { return values }
            values += drained
        }
    }

    /// Record `index` of a run: a value that fills most of a 1 KiB batch, tagged with its index.
    static func record(_ index: Int, partition: Int32? = nil) -> ProducerRecord<[UInt8], [UInt8]> {
        ProducerRecord(topic: "t", partition: partition, value: [UInt8(index)] + [UInt8](repeating: 0x61, count: 599))
    }

    @Test func orderIsKeptAcrossMemoryWaits() async throws {
        // Two 1 KiB batches of memory and a batch per record: the run waits for memory eighteen times, each
        // wait answered by draining (and retiring) what the run appended so far.
        let producer = try Self.producer(batchSizeBytes: 1_024, bufferMemoryBytes: 2_048)
        let records = (0..<Self.runLength).map { Self.record($0) }
        let sending = Task { () async throws in
            try await producer.send(contentsOf: records, completion: nil)
        }
        var drained: [[UInt8]] = []
        // Bounded: every pass sleeps 1 ms; the run's waits end within max.block.ms.
        for _ in 0..<20_000 where drained.count < records.count {
            drained += try Self.drainValues(producer).map(\.value)
            if drained.count < records.count { try await Task.sleep(for: .milliseconds(1)) }
        }
        try await sending.value
        #expect(drained.map { Int($0[0]) } == Array(0..<Self.runLength))
        #expect(producer.pool.hasWaiters == false)
        // The run did wait for memory (the wait histogram observed it).
        let waits = producer.metrics.emit().split(separator: "\n").first {
            $0.hasPrefix("sluice_producer_buffer_wait_seconds_count")
        }
        #expect(
            waits.flatMap { $0.split(separator: " ").last.flatMap { Int($0) } } ?? 0 > 0, "\(String(describing: waits))"
        )
        await producer.close(timeout: .zero)
    }

    @Test func anErrorMidRunKeepsTheEarlierRecordsAppended() async throws {
        let producer = try Self.producer(batchSizeBytes: 16_384, bufferMemoryBytes: 65_536)
        // Record 2 names a partition the topic does not have.
        let records = Self.runWithInvalidPartition(at: 2)
        await #expect(throws: ProducerError.invalidPartition(topic: "t", partition: 7, partitionCount: 1)) {
            try await producer.send(contentsOf: records, completion: nil)
        }
        #expect(try Self.drainValues(producer).map { Int($0.value[0]) } == [0, 1])
        // The failing record counts once as failed, as with send(_:completion:).
        let label = ProducerError.invalidPartition(topic: "t", partition: 7, partitionCount: 1).metricLabel
        let errorLines = producer.metrics.emit().split(separator: "\n").filter {
            $0.hasPrefix("sluice_producer_record_errors_total") && $0.contains("\"\(label)\"")
        }
        #expect(errorLines.count == 1 && errorLines.first?.hasSuffix(" 1") == true, "\(errorLines)")
        await producer.close(timeout: .zero)
    }

    @Test func positionCompletionsGoOnPastAFailure() async throws {
        let producer = try Self.producer(batchSizeBytes: 16_384, bufferMemoryBytes: 65_536)
        let records = Self.runWithInvalidPartition(at: 2)
        let outcomes = Mutex<[Int: [Result<RecordMetadata, ProducerError>]]>([:])
        await producer.send(contentsOf: records) { position, result in
            outcomes.withLock { $0[position, default: []].append(result) }
        }
        // The failing record is answered before the call returns; the run went on past it.
        let failed = ProducerError.invalidPartition(topic: "t", partition: 7, partitionCount: 1)
        outcomes.withLock { outcomes in
            #expect(outcomes.keys.sorted() == [2])
            #expect(outcomes[2]?.count == 1)
            if case .failure(let error) = outcomes[2]?.first {
                #expect(error == failed)
            } else {
                Issue.record("\(outcomes)")
            }
        }
        #expect(try Self.drainValues(producer).map { Int($0.value[0]) } == [0, 1] + Array(3..<Self.runLength))
        await producer.close(timeout: .zero)
    }

    /// A custom partitioner in a run gets the partition count the run cached from its first lease.
    struct LastPartition: Partitioner {
        func partition(
            topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, partitionCount: Int32
        ) -> Int32? {
            partitionCount - 1
        }
    }

    @Test func aCustomPartitionerSeesThePartitionCount() async throws {
        let producer = try Self.producer(
            batchSizeBytes: 16_384, bufferMemoryBytes: 65_536, partitions: 3, partitioner: LastPartition())
        // A collection without contiguous storage: the run takes its records through its iterator.
        try await producer.send(contentsOf: (0..<Self.runLength).lazy.map { Self.record($0) }, completion: nil)
        let drained = try Self.drainAll(producer)
        #expect(drained.map { Int($0.value[0]) } == Array(0..<Self.runLength))
        #expect(drained.allSatisfy { $0.partition == 2 })
        await producer.close(timeout: .zero)
    }

    @Test func interceptorsSeeEachRecordOfARun() async throws {
        final class Tagger: ProducerInterceptor, Sendable {
            let seen = Mutex(0)
            func onSend(_ record: ProducerRecord<[UInt8], [UInt8]>) -> ProducerRecord<[UInt8], [UInt8]> {
                seen.withLock { $0 += 1 }
                var tagged = record
                tagged.key = [0x6B]
                return tagged
            }
            func onAcknowledgement(_ result: Result<RecordMetadata, ProducerError>) {}
        }
        let tagger = Tagger()
        let producer = try Producer<[UInt8], [UInt8]>(
            config: ["bootstrap.servers": "127.0.0.1:1", "acks": "1", "linger.ms": "60000"],
            keySerializer: BytesSerializer(), valueSerializer: BytesSerializer(), interceptors: [tagger])
        producer.accumulator.setLayout(TopicLayout(leaders: [1]), topic: "t", brokers: [Self.unreachableBroker])
        try await producer.send(contentsOf: (0..<Self.runLength).map { Self.record($0, partition: 0) }, completion: nil)
        #expect(tagger.seen.withLock { $0 } == Self.runLength)
        let lateNanos = producer.clock.monotonicNanos() + 3_600 * 1_000_000_000
        let batches = producer.accumulator.drain(node: 1, nowNanos: lateNanos, identity: nil)
        #expect(
            try batches.flatMap { try AccumulatorTestSupport.records(of: $0) }.map(\.key)
                == Array(repeating: [0x6B], count: Self.runLength))
        for batch in batches {
            let (_, done) = producer.accumulator.resolve(batch, errorCode: .none, message: "", nowNanos: 0, retries: 1)
            if let done { producer.accumulator.retire(done) }
        }
        await producer.close(timeout: .zero)
    }

    @Test func keyedRecordsOfARunGoToTheirMurmur2Partitions() async throws {
        let producer = try Self.producer(batchSizeBytes: 4_096, bufferMemoryBytes: 65_536, partitions: 5)
        let keys = (0..<40).map { [UInt8]("key-\($0)".utf8) }
        let records = keys.enumerated().map { index, key in
            ProducerRecord<[UInt8], [UInt8]>(topic: "t", key: key, value: [UInt8(index)])
        }
        try await producer.send(contentsOf: records, completion: nil)
        let drained = try Self.drainAll(producer)
        #expect(drained.count == 40)
        for (partition, value) in drained {
            let key = keys[Int(value[0])]
            let expected = key.withUnsafeBytes { Murmur2.toPositive(Murmur2.hash($0)) } % 5
            #expect(partition == expected, "record \(value[0])")
        }
        // Within each partition the run's order holds.
        for partition in Int32(0)..<5 {
            let order = drained.filter { $0.partition == partition }.map { Int($0.value[0]) }
            #expect(order == order.sorted(), "partition \(partition): \(order)")
        }
        await producer.close(timeout: .zero)
    }

    @Test func unkeyedRunsSwitchStickyPartitionWithEachNewBatch() async throws {
        // 600-byte records in 1 KiB batches: one record per batch, so each record of the run needs a new
        // batch, and KIP-480 puts each on a different partition than the one before.
        let producer = try Self.producer(batchSizeBytes: 1_024, bufferMemoryBytes: 65_536, partitions: 3)
        try await producer.send(contentsOf: (0..<Self.runLength).map { Self.record($0) }, completion: nil)
        let drained = try Self.drainAll(producer)
        #expect(drained.count == Self.runLength)
        let byRecord = Dictionary(uniqueKeysWithValues: drained.map { (Int($0.value[0]), $0.partition) })
        for index in 1..<Self.runLength {
            #expect(byRecord[index] != byRecord[index - 1], "records \(index - 1) and \(index): \(byRecord)")
        }
        await producer.close(timeout: .zero)
    }

    @Test func aSendDuringALeaseOpensABatchBehindTheLeasedOne() throws {
        // The run's lease is taken and held by hand: a concurrent single-record append finds no open batch
        // and opens one; the leased batch goes back sealed, in front of it.
        let producer = try Self.producer(batchSizeBytes: 16_384, bufferMemoryBytes: 65_536)
        let accumulator = producer.accumulator
        let first = [UInt8]([1]), second = [UInt8]([2])
        let nowNanos = producer.clock.monotonicNanos()
        func request(_ value: UnsafeRawBufferPointer) -> RecordAccumulator.AppendRequest {
            RecordAccumulator.AppendRequest(
                topic: "t", choice: .explicit(0), key: nil, value: value, timestamp: 1, nowNanos: nowNanos,
                storesCompletion: false, callback: nil)
        }
        var reserved: ReservedMemory?
        var leases = LeaseSet()
        first.withUnsafeBytes { bytes in
            let (outcome, _) = accumulator.lease(for: request(bytes), givingBack: nil, reserved: &reserved)
            guard case .leased(let lease, let partitionCount) = outcome else {
                Issue.record("no lease: \(outcome)")
                return
            }
            #expect(partitionCount == 1)
            leases.insert(lease)
        }
        #expect(accumulator.hasOutstandingLeases)
        second.withUnsafeBytes { bytes in
            #expect(
                accumulator.append(request(bytes), reserved: &reserved) == .appended(partition: 0, wakeSender: true))
        }
        #expect(accumulator.returnLeases(&leases, nowNanos: nowNanos))
        #expect(!accumulator.hasOutstandingLeases)
        #expect(try Self.drainAll(producer).map(\.value) == [first, second])
    }
}
