import SluiceWire

/// The heart of `sluice cluster verify-replicas` (Kafka's ReplicaVerificationTool): the batches each replica
/// holds below a common bound, compared as (base offset, last offset, leader epoch, CRC). Pure.
enum ReplicaComparison {
    /// One stored batch as the comparison sees it.
    struct BatchDigest: Sendable, Hashable, CustomStringConvertible {
        var baseOffset: Int64
        var lastOffset: Int64
        var leaderEpoch: Int32
        var crc: UInt32

        init(_ header: RecordBatchHeader) {
            baseOffset = header.baseOffset
            lastOffset = header.lastOffset
            leaderEpoch = header.partitionLeaderEpoch
            crc = header.crc
        }

        init(baseOffset: Int64, lastOffset: Int64, leaderEpoch: Int32, crc: UInt32) {
            self.baseOffset = baseOffset
            self.lastOffset = lastOffset
            self.leaderEpoch = leaderEpoch
            self.crc = crc
        }

        var description: String {
            "offsets \(baseOffset)-\(lastOffset) epoch \(leaderEpoch) crc \(String(crc, radix: 16))"
        }
    }

    /// What the replicas of one partition hold below the bound.
    enum Verdict: Sendable, Hashable {
        /// Every replica holds the same `batches` batches.
        case identical(batches: Int)
        /// At `offset` the replicas first disagree; `byReplica` is each one's batch there (nil: it has none).
        case diverged(offset: Int64, byReplica: [Int32: BatchDigest?])
    }

    /// Compares `batches` (each replica's batches in offset order, already cut below the bound) position by
    /// position, from the greatest common log start (retention may have removed more on one replica).
    static func compare(_ batches: [Int32: [BatchDigest]]) -> Verdict {
        precondition(!batches.isEmpty, "a partition has at least one replica")
        let start = batches.values.compactMap { $0.first?.baseOffset }.max() ?? 0
        let trimmed = batches.mapValues { list in list.drop { $0.baseOffset < start } }
        let longest = trimmed.values.map(\.count).max() ?? 0
        for position in 0..<longest {
            let row = trimmed.mapValues { list -> BatchDigest? in
                let index = list.startIndex + position
                return index < list.endIndex ? list[index] : nil
            }
            let distinct = Set(row.values.map { $0 })
            guard distinct.count == 1 else {
                let offset = row.values.compactMap { $0?.baseOffset }.min() ?? start
                return .diverged(offset: offset, byReplica: row)
            }
        }
        return .identical(batches: longest)
    }
}
