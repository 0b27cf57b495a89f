/// Kafka's rack-unaware replica assignment (`AdminUtils.assignReplicasToBrokersRackUnaware`): partition `p`'s
/// first replica is broker `(p + startIndex) % n` of the sorted broker list, the others follow at a shift that
/// grows by one every `n` partitions, so leaders and followers spread evenly over the brokers.
///
/// Pure: the random start index and replica shift are parameters (``Controller`` draws them).
public enum ReplicaAssignment {
    /// Replicas per partition, in preference order (the first is the preferred leader).
    /// - Precondition: `brokerIds` is not empty, `1 ≤ replicationFactor ≤ brokerIds.count`, and both
    ///   `startIndex` and `replicaShift` are in `0..<brokerIds.count`.
    public static func assign(
        brokerIds: [Int32], partitions: Int32, replicationFactor: Int, startIndex: Int, replicaShift: Int
    ) -> [[Int32]] {
        let brokers = brokerIds.sorted()
        let count = brokers.count
        precondition(count >= 1, "assignment needs a broker")
        precondition(replicationFactor >= 1 && replicationFactor <= count, "replication factor out of range")
        precondition((0..<count).contains(startIndex) && (0..<count).contains(replicaShift), "random draw out of range")
        var shift = replicaShift
        var assignment: [[Int32]] = []
        assignment.reserveCapacity(Int(partitions))
        for partition in 0..<Int(partitions) {
            if partition > 0 && partition % count == 0 { shift += 1 }
            let first = (partition + startIndex) % count
            var replicas = [brokers[first]]
            for replica in 0..<(replicationFactor - 1) {
                let offset = 1 + (shift + replica) % (count - 1)
                replicas.append(brokers[(first + offset) % count])
            }
            assert(Set(replicas).count == replicas.count, "a broker holds one replica of a partition")
            assignment.append(replicas)
        }
        return assignment
    }
}
