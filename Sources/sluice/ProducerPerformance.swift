import SluiceProducer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The loop behind `perf produce`, Kafka's `ProducerPerformance` over the SluiceProducer library: one
/// generated payload (random upper-case letters, as Kafka's tool makes it), unkeyed records (sticky
/// partitioning), sent in runs with `send(contentsOf:completion:)`, held to `--throughput` by `ThroughputThrottler`;
/// then `flush()`, the final line, the metrics if asked, and `close()`.
///
/// The first failed record stops the run with `Error producing to T: …` and exit 1 (Kafka's tool prints
/// the exception and goes on; failing fast keeps a broken setup from looking like a slow one).
///
/// Per record on this side: nothing — a run of up to 128 records costs one wall-clock read and one `send`
/// call; the completion closure is shared and the payload is lent, not copied (`BorrowedBytes`), so
/// nothing is allocated here per record.
struct ProducerPerformance {
    struct Settings {
        let topic: String
        let numRecords: Int
        let recordSize: Int
        let throughput: Double
        let printMetrics: Bool
    }

    let producer: Producer<BorrowedBytes, BorrowedBytes>
    let settings: Settings

    /// Sends every record, waits for every answer, prints progress and the final line to stdout.
    func run() async throws {
        // One owner, freed at the end, after the producer is closed: records borrow it (see BorrowedBytes).
        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: settings.recordSize, alignment: 1)
        defer { payload.deallocate() }
        for index in 0..<payload.count { payload[index] = UInt8.random(in: UInt8(ascii: "A")...UInt8(ascii: "Z")) }
        let reporter = PerfReporter(recordSize: settings.recordSize, startedAtMs: WallClock.nowMs())
        do {
            try await send(value: BorrowedBytes(UnsafeRawBufferPointer(payload)), reporter: reporter)
        } catch {
            await producer.close(timeout: .zero)
            throw error
        }
        await producer.flush()
        if let error = reporter.failure.error {
            await producer.close(timeout: .zero)
            throw CommandFailure("Error producing to \(settings.topic): \(error)")
        }
        try reporter.finish()
        if settings.printMetrics {
            // Prometheus text, which ends with its own newline.
            try FileDescriptorWriter.writeAll(Array(producer.metrics.emit().utf8), to: STDOUT_FILENO)
        }
        await producer.close()
    }

    /// Records per `send(contentsOf:)` call at most: a few accumulator locks per run rather than one per record,
    /// and short enough for `--throughput` pacing to stay smooth.
    static let runLength = 128

    /// The send loop: `numRecords` records in runs of up to `runLength`, paced by the throttler (a run holds
    /// only the records already due), stopping at the first failure.
    private func send(value: BorrowedBytes, reporter: PerfReporter) async throws {
        // Created once; it captures only the reporter (see PerfReporter for how latency is measured).
        let completion: @Sendable (Result<RecordMetadata, ProducerError>) -> Void = { [reporter] result in
            reporter.completed(result)
        }
        // One run's records, all alike, built once. No timestamp: the producer stamps each record (CreateTime)
        // with the wall clock as it appends it, and the completion's latency counts from there.
        let run = Array(
            repeating: ProducerRecord<BorrowedBytes, BorrowedBytes>(topic: settings.topic, value: value),
            count: min(Self.runLength, max(1, settings.numRecords)))
        let throttler = ThroughputThrottler(recordsPerSecond: settings.throughput)
        let startedAtMs = WallClock.nowMs()
        reporter.start(atMs: startedAtMs)
        var sent = 0
        while sent < settings.numRecords {
            guard !reporter.failure.isSet else { return }
            var elapsed = Duration.milliseconds(WallClock.nowMs() - startedAtMs)
            if let pause = throttler.pause(sent: sent, elapsed: elapsed) {
                try await Task.sleep(for: pause)
                elapsed = .milliseconds(WallClock.nowMs() - startedAtMs)
            }
            let count = throttler.dueCount(
                sent: sent, elapsed: elapsed, limit: min(run.count, settings.numRecords - sent))
            do {
                try await producer.send(contentsOf: run.prefix(count), completion: completion)
            } catch {
                reporter.failure.record(error)
                return
            }
            sent += count
        }
    }
}
