import Testing

@testable import SluiceProducer

/// KIP-480 sticky partitioning: records without key stay on one partition until it needs a new batch, then
/// move to a different partition.
@Suite struct AccumulatorStickyTests {
    static let value = [UInt8](repeating: 5, count: 200)

    @Test func unkeyedRecordsStayOnOnePartitionUntilItsBatchIsFull() {
        let accumulator = AccumulatorTestSupport.accumulator(
            AccumulatorTestSupport.settings(batchSizeBytes: 1_024, lingerMs: 60_000), partitions: 4)
        var partitions: [Int32] = []
        for _ in 0..<40 {
            let outcome = AccumulatorTestSupport.append(accumulator, choice: .sticky, value: Self.value)
            partitions.append(AccumulatorTestSupport.partition(outcome) ?? -1)
        }
        var runs: [(partition: Int32, count: Int)] = []
        for partition in partitions {
            if runs.last?.partition == partition {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((partition, 1))
            }
        }
        #expect(runs.count >= 8, "1 KiB batches hold 4 records of 200 B: \(partitions)")
        for (previous, next) in zip(runs, runs.dropFirst()) {
            #expect(previous.partition != next.partition, "a new batch switches to a different partition")
        }
        for run in runs.dropLast() { #expect(run.count == 4, "each batch holds as many records as fit") }
        #expect(Set(partitions).count >= 2)
    }

    @Test func drainingTheStickyBatchSwitchesTheNextRecord() {
        let accumulator = AccumulatorTestSupport.accumulator(
            AccumulatorTestSupport.settings(lingerMs: 0), partitions: 3)
        let first = AccumulatorTestSupport.partition(AccumulatorTestSupport.append(accumulator, choice: .sticky))
        let drained = accumulator.drain(node: 1, nowNanos: 0, identity: nil)
        #expect(drained.map(\.topicPartition.partition) == [first])
        let second = AccumulatorTestSupport.partition(AccumulatorTestSupport.append(accumulator, choice: .sticky))
        #expect(second != nil && second != first)
    }

    @Test func singlePartitionTopicKeepsItsOnlyPartition() {
        let accumulator = AccumulatorTestSupport.accumulator(AccumulatorTestSupport.settings(batchSizeBytes: 512))
        for _ in 0..<10 {
            #expect(
                AccumulatorTestSupport.partition(
                    AccumulatorTestSupport.append(accumulator, choice: .sticky, value: Self.value)) == 0)
        }
    }

    @Test func stickyChoiceAvoidsPartitionsWithoutLeader() {
        var sticky = StickyPartitions(seed: 7)
        let layout = TopicLayout(leaders: [-1, 3, -1, 3])
        for _ in 0..<50 {
            let chosen = sticky.partitionAfterNewBatch(
                for: "t", layout: layout, previous: sticky.partition(for: "t", layout: layout))
            #expect(chosen == 1 || chosen == 3)
        }
    }

    @Test func keyedAndExplicitRecordsIgnoreStickiness() {
        let accumulator = AccumulatorTestSupport.accumulator(partitions: 4)
        #expect(AccumulatorTestSupport.partition(AccumulatorTestSupport.append(accumulator, choice: .keyHash(7))) == 3)
        #expect(AccumulatorTestSupport.partition(AccumulatorTestSupport.append(accumulator, choice: .explicit(2))) == 2)
        #expect(
            AccumulatorTestSupport.append(accumulator, choice: .explicit(4)) == .invalidPartition(partitionCount: 4))
        #expect(AccumulatorTestSupport.append(accumulator, topic: "unknown") == .needsMetadata)
    }
}
