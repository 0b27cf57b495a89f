import SluiceWire
import Testing

@testable import SluiceProducer

/// Idempotence on the producer side: sequences assigned at first drain, kept (with the bytes) on retry,
/// retries in sequence order, and the broker's answers decided by `DeliveryDecision`.
@Suite struct AccumulatorSequenceTests {
    static let identity = ProducerIdentity(producerId: 42, producerEpoch: 1)

    /// Appends `count` records to partition 0 at once into 1-record batches (batch.size tiny) and drains them.
    static func drainedBatches(_ accumulator: RecordAccumulator, records: [Int]) -> [ProducerBatch] {
        var batches: [ProducerBatch] = []
        for count in records {
            for _ in 0..<count { AccumulatorTestSupport.append(accumulator, value: [UInt8](repeating: 1, count: 10)) }
            _ = accumulator.state.withLock { $0.queues.values.first!.sealOpenBatch() }
            batches += accumulator.drain(node: 1, nowNanos: 0, identity: Self.identity)
        }
        return batches
    }

    @Test func sequencesAreAssignedAtFirstDrainAndAdvanceByRecordCount() throws {
        let accumulator = AccumulatorTestSupport.accumulator(AccumulatorTestSupport.settings(lingerMs: 0))
        let batches = Self.drainedBatches(accumulator, records: [3, 1, 5])
        #expect(batches.map(\.baseSequence) == [0, 3, 4])
        for batch in batches {
            let header = try batch.buffer.withUnsafeReadableBytes { try RecordBatchHeader.validate($0).get() }
            #expect(header.producerId == 42)
            #expect(header.producerEpoch == 1)
            #expect(header.baseSequence == batch.baseSequence)
        }
    }

    @Test func retriedBatchKeepsItsSequenceAndBytesAndGoesFirst() throws {
        let accumulator = AccumulatorTestSupport.accumulator(
            AccumulatorTestSupport.settings(lingerMs: 0, retryBackoffMs: 10))
        let batches = Self.drainedBatches(accumulator, records: [2, 2])
        let original = Array(batches[0].buffer.readableBytesView)
        // The first batch's answer is lost, the second is refused as out of order behind it: both go back.
        let (first, _) = accumulator.resolve(
            batches[0], errorCode: .requestTimedOut, message: "", nowNanos: 1_000_000, retries: 5)
        let (second, _) = accumulator.resolve(
            batches[1], errorCode: .outOfOrderSequenceNumber, message: "", nowNanos: 1_000_000, retries: 5)
        #expect(first == .retry)
        #expect(second == .retry)
        AccumulatorTestSupport.append(accumulator, value: [9])
        #expect(accumulator.drain(node: 1, nowNanos: 5_000_000, identity: Self.identity).isEmpty, "backing off")
        let retried = accumulator.drain(node: 1, nowNanos: 11_000_000, identity: Self.identity)
        #expect(retried.map(\.baseSequence) == [0])
        #expect(Array(retried[0].buffer.readableBytesView) == original)
        #expect(
            accumulator.drain(node: 1, nowNanos: 12_000_000, identity: Self.identity).isEmpty,
            "the next retry waits until the first is answered")
        _ = accumulator.resolve(retried[0], errorCode: .none, message: "", nowNanos: 13_000_000, retries: 5)
        let next = accumulator.drain(node: 1, nowNanos: 14_000_000, identity: Self.identity)
        #expect(next.map(\.baseSequence) == [2])
        _ = accumulator.resolve(
            next[0], errorCode: .duplicateSequenceNumber, message: "", nowNanos: 15_000_000, retries: 5)
        #expect(accumulator.drain(node: 1, nowNanos: 16_000_000, identity: Self.identity).map(\.baseSequence) == [4])
    }

    @Test func outOfOrderOnTheNextExpectedSequenceResetsTheIdentityAndSequences() throws {
        let accumulator = AccumulatorTestSupport.accumulator(
            AccumulatorTestSupport.settings(lingerMs: 0, retryBackoffMs: 0))
        let batches = Self.drainedBatches(accumulator, records: [1, 2, 3])
        #expect(batches.map(\.baseSequence) == [0, 1, 3])
        // The first is refused as out of order although it is the next expected: the sequences are broken.
        let (decision, failed) = accumulator.resolve(
            batches[0], errorCode: .outOfOrderSequenceNumber, message: "gap", nowNanos: 0, retries: 5)
        guard case .fail(.broker(.outOfOrderSequenceNumber, _), true, false) = decision else {
            Issue.record("expected a fatal OUT_OF_ORDER_SEQUENCE_NUMBER, got \(decision)")
            return
        }
        #expect(failed != nil)
        // The others were in flight behind it: refused as out of order too, they go back for a retry.
        for batch in batches.dropFirst() {
            #expect(
                accumulator.resolve(batch, errorCode: .outOfOrderSequenceNumber, message: "", nowNanos: 0, retries: 5).0
                    == .retry)
        }
        AccumulatorTestSupport.append(accumulator, value: [1])
        #expect(accumulator.ready(nowMs: 1, sequencing: true).identityResetRequested)
        #expect(accumulator.expireBatches(nowNanos: 0).isEmpty, "later batches wait for the new identity")
        // The new identity: the retries are stamped again from sequence 0, the new batch follows them.
        let renewed = ProducerIdentity(producerId: 77, producerEpoch: 0)
        #expect(accumulator.resetSequences(for: renewed))
        #expect(!accumulator.ready(nowMs: 1, sequencing: true).identityResetRequested)
        var sent: [ProducerBatch] = []
        // Bounded: each pass sends the head retry (one at a time) and acknowledges it.
        for step in 0..<4 {
            let drained = accumulator.drain(node: 1, nowNanos: Int64(step + 1) * 1_000_000, identity: renewed)
            guard let batch = drained.first else { break }
            sent.append(batch)
            let (_, done) = accumulator.resolve(batch, errorCode: .none, message: "", nowNanos: 0, retries: 5)
            if let done { accumulator.retire(done) }
        }
        #expect(sent.map(\.baseSequence) == [0, 2, 5])
        #expect(sent.map(\.recordCount) == [2, 3, 1])
        for batch in sent {
            let header = try batch.buffer.withUnsafeReadableBytes { try RecordBatchHeader.validate($0).get() }
            #expect(header.producerId == 77 && header.baseSequence == batch.baseSequence, "CRC and header rewritten")
        }
    }

    // MARK: DeliveryDecision (pure)

    static func decide(
        _ code: ErrorCode, sequence: Int32 = -1, attempts: Int = 0, acknowledged: Int32 = 0, next: Int32 = 0,
        nowMs: Int64 = 1_000, retries: Int = 3
    ) -> DeliveryDecision {
        DeliveryDecision.decide(
            errorCode: code, message: "m",
            batch: .init(baseSequence: sequence, recordCount: 2, attempts: attempts, openedNanos: 0),
            nextAcknowledgedSequence: acknowledged, nextSequence: next, nowNanos: nowMs * 1_000_000, retries: retries,
            deliveryTimeoutMs: 120_000)
    }

    @Test func retriableErrorsRetryUntilRetriesOrDeliveryTimeoutRunOut() {
        #expect(Self.decide(.notLeaderOrFollower) == .retry)
        #expect(Self.decide(.networkException, attempts: 2) == .retry)
        #expect(
            Self.decide(.networkException, attempts: 3)
                == .fail(.broker(.networkException, "m"), breaksSequence: false, rollsBackSequence: false))
        #expect(
            Self.decide(.notEnoughReplicas, nowMs: 120_000)
                == .fail(
                    .deliveryTimeout(ms: 120_000, lastError: "NOT_ENOUGH_REPLICAS: m"), breaksSequence: false,
                    rollsBackSequence: false))
    }

    @Test func aRefusalBeforeTheAppendRollsTheLastSequenceBackWhenRetriesRunOut() {
        // NOT_ENOUGH_REPLICAS wrote nothing: the last batch's sequence is reused, no new producer id needed.
        #expect(
            Self.decide(.notEnoughReplicas, sequence: 4, attempts: 3, acknowledged: 4, next: 6)
                == .fail(.broker(.notEnoughReplicas, "m"), breaksSequence: false, rollsBackSequence: true))
        // Not the last batch: later sequences exist, so they are broken.
        #expect(
            Self.decide(.notEnoughReplicas, sequence: 4, attempts: 3, acknowledged: 4, next: 8)
                == .fail(.broker(.notEnoughReplicas, "m"), breaksSequence: true, rollsBackSequence: false))
        // A timed-out request may have been appended: always broken.
        #expect(
            Self.decide(.requestTimedOut, sequence: 4, attempts: 3, acknowledged: 4, next: 6)
                == .fail(.broker(.requestTimedOut, "m"), breaksSequence: true, rollsBackSequence: false))
    }

    @Test func errorsNameTheKeysUnderAPrefix() {
        let tooLarge = ProducerError.recordTooLarge(size: 10, limit: 5, key: "max.request.size")
        #expect(tooLarge.description == "the record is 10 bytes, larger than max.request.size (5)")
        #expect(
            tooLarge.description(keyPrefix: "gateway.")
                == "the record is 10 bytes, larger than gateway.max.request.size (5)")
        let timeout = ProducerError.deliveryTimeout(ms: 300, lastError: "NOT_ENOUGH_REPLICAS: t-0 has 1")
        #expect(
            timeout.description(keyPrefix: "gateway.")
                == "record not acknowledged within gateway.delivery.timeout.ms (300 ms); "
                + "last error NOT_ENOUGH_REPLICAS: t-0 has 1")
        let broker = ProducerError.broker(.notEnoughReplicas, "min.insync.replicas is 2")
        #expect(broker.description(keyPrefix: "gateway.") == "NOT_ENOUGH_REPLICAS: min.insync.replicas is 2")
    }

    @Test func tooLargeSplitsABatchOfSeveralRecordsUntilDeliveryTimeout() {
        #expect(Self.decide(.messageTooLarge, sequence: 4, next: 8) == .split)
        #expect(Self.decide(.messageTooLarge) == .split)
        #expect(
            Self.decide(.messageTooLarge, nowMs: 120_000)
                == .fail(
                    .deliveryTimeout(ms: 120_000, lastError: "MESSAGE_TOO_LARGE: m"), breaksSequence: false,
                    rollsBackSequence: false))
    }

    @Test func duplicateSequenceCountsAsSuccess() {
        #expect(Self.decide(.duplicateSequenceNumber, sequence: 4) == .acknowledge)
        #expect(Self.decide(.none) == .acknowledge)
    }

    @Test func nonRetriableErrorFailsAndRollsBackOnlyTheLastSequence() {
        #expect(
            Self.decide(.recordListTooLarge, sequence: 4, next: 6)
                == .fail(.broker(.recordListTooLarge, "m"), breaksSequence: false, rollsBackSequence: true))
        #expect(
            Self.decide(.recordListTooLarge, sequence: 4, next: 8)
                == .fail(.broker(.recordListTooLarge, "m"), breaksSequence: true, rollsBackSequence: false))
        #expect(
            Self.decide(.invalidRequiredAcks)
                == .fail(.broker(.invalidRequiredAcks, "m"), breaksSequence: false, rollsBackSequence: false))
    }

    @Test func outOfOrderBehindAnUnacknowledgedBatchIsRetried() {
        #expect(Self.decide(.outOfOrderSequenceNumber, sequence: 6, acknowledged: 4) == .retry)
        guard case .fail(_, true, _) = Self.decide(.outOfOrderSequenceNumber, sequence: 4, acknowledged: 4) else {
            Issue.record("the next expected sequence refused is fatal")
            return
        }
    }

    @Test func sequencesWrapToZeroAfterInt32Max() {
        #expect(DeliveryDecision.wrappingAdd(Int32.max, 1) == 0)
        #expect(DeliveryDecision.wrappingAdd(Int32.max - 1, 3) == 1)
    }
}
