import SluiceProducer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The loop behind `perf produce`, Kafka's `ProducerPerformance` over the SluiceProducer library: one
/// generated payload (random upper-case letters, as Kafka's tool makes it), unkeyed records (sticky
/// partitioning), each sent with `send(_:completion:)`, held to `--throughput` by `ThroughputThrottler`;
/// then `flush()`, the final line, the metrics if asked, and `close()`.
///
/// The first failed record stops the run with `Error producing to T: …` and exit 1 (Kafka's tool prints
/// the exception and goes on; failing fast keeps a broken setup from looking like a slow one).
///
/// Per record on this side: one wall-clock read and the `send` call; the completion closure is shared and
/// the payload is lent, not copied (`BorrowedBytes`), so nothing is allocated here per record.
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

    /// The send loop: `numRecords` sends, paced by the throttler, stopping at the first failure.
    private func send(value: BorrowedBytes, reporter: PerfReporter) async throws {
        // Created once; it captures only the reporter (see PerfReporter for how latency is measured).
        let completion: @Sendable (Result<RecordMetadata, ProducerError>) -> Void = { [reporter] result in
            reporter.completed(result)
        }
        let throttler = ThroughputThrottler(recordsPerSecond: settings.throughput)
        let startedAtMs = WallClock.nowMs()
        reporter.start(atMs: startedAtMs)
        for sent in 0..<settings.numRecords {
            guard !reporter.failure.isSet else { return }
            // One clock read per record (Kafka's sendStartMs): the throttle's elapsed time and the timestamp,
            // from which the completion's latency counts.
            var sendStartMs = WallClock.nowMs()
            if let pause = throttler.pause(sent: sent, elapsed: .milliseconds(sendStartMs - startedAtMs)) {
                try await Task.sleep(for: pause)
                sendStartMs = WallClock.nowMs()
            }
            let record = ProducerRecord<BorrowedBytes, BorrowedBytes>(
                topic: settings.topic, value: value, timestamp: sendStartMs)
            do {
                try await producer.send(record, completion: completion)
            } catch {
                reporter.failure.record(error)
                return
            }
        }
    }
}
