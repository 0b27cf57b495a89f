import SluiceClient
import SluiceWire

/// The loop behind `perf produce`: one generated payload (random upper-case letters, as Kafka's tool
/// makes it), unkeyed records with sticky partitioning, batches sent with up to 5 in flight.
///
/// A batch is sealed when full, or when `linger.ms` has passed since it opened and a request slot is
/// free — so with linger.ms=0 batches grow while the window is full, as in Kafka's sender.
struct ProducerPerformance {
    struct Settings {
        let topic: String
        let numRecords: Int
        let recordSize: Int
        let throughput: Double
        let properties: ProducerProperties
    }

    let client: SluiceClient
    let settings: Settings
    private var accumulator: BatchAccumulator
    private var chooser: PartitionChooser
    private var window = InFlightWindow(limit: 5)
    private let reporter: PerfReporter

    init(client: SluiceClient, settings: Settings) async throws {
        let partitionCount = Int32(try await client.partitions(of: settings.topic).count)
        guard partitionCount > 0 else {
            throw SluiceError(.unknownTopicOrPartition, "topic '\(settings.topic)' has no partitions")
        }
        self.client = client
        self.settings = settings
        self.reporter = PerfReporter(recordSize: settings.recordSize, startedAt: .now)
        self.accumulator = BatchAccumulator(
            partitionCount: partitionCount, batchSizeBytes: settings.properties.batchSizeBytes)
        self.chooser = PartitionChooser(
            mode: .automatic, partitionCount: partitionCount, firstStickyPartition: Int32.random(in: 0..<partitionCount)
        )
    }

    /// Sends every record, waits for every answer, prints progress and the final line to stdout.
    mutating func run() async throws {
        // One owner, freed below: the payload must outlive awaits, which `withUnsafeBytes` cannot span.
        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: settings.recordSize, alignment: 1)
        defer { payload.deallocate() }
        for index in 0..<payload.count { payload[index] = UInt8.random(in: UInt8(ascii: "A")...UInt8(ascii: "Z")) }
        let value = UnsafeRawBufferPointer(payload)
        let throttler = ThroughputThrottler(recordsPerSecond: settings.throughput)
        let startedAt = ContinuousClock.now
        reporter.start(at: startedAt)
        for sent in 0..<settings.numRecords {
            if let pause = throttler.pause(sent: sent, elapsed: .now - startedAt) {
                try await sealIfLingered(nowMs: WallClock.nowMs())
                try await Task.sleep(for: pause)
            }
            let nowMs = WallClock.nowMs()
            let partition = chooser.partition(forKey: nil)
            if accumulator.append(key: nil, value: value, timestampMs: nowMs, partition: partition) {
                chooser.batchSealed(partition: partition)
            } else {
                try await sealIfLingered(nowMs: nowMs)
            }
            try await sendSealed()
        }
        accumulator.sealAll()
        try await sendSealed()
        try await window.drain(reporter.acknowledged)
        try reporter.finish()
    }

    /// Seals the open batches once linger.ms has passed, if a request slot is free to send them.
    private mutating func sealIfLingered(nowMs: Int64) async throws {
        guard let openedAtMs = accumulator.oldestOpenedAtMs, nowMs - openedAtMs >= settings.properties.lingerMs else {
            return
        }
        try await window.reapCompleted(reporter.acknowledged)
        guard window.hasRoom else { return }
        accumulator.sealAll()
        chooser.batchSealed(partition: chooser.stickyPartition)
    }

    private mutating func sendSealed() async throws {
        for batch in accumulator.takeSealed() {
            let request: InFlightProduce
            do {
                request = try await client.startProduce(
                    topic: settings.topic, partition: batch.partition, batch: batch.records,
                    recordCount: batch.recordCount, acks: settings.properties.acks)
            } catch {
                throw InFlightWindow.failure(TopicPartition(topic: settings.topic, partition: batch.partition), error)
            }
            try await window.add(request, onAcknowledgement: reporter.acknowledged)
        }
    }
}
