import ArgumentParser
import NIOCore
import NIOPosix
import SluiceClient
import SluiceWire

/// `sluice cluster verify-replicas --topic T`: Kafka's ReplicaVerificationTool, live. For each partition it reads
/// every replica's batches straight from the broker that holds it (a debugging fetch, replica id -2, which any
/// replica answers from its own log below its high watermark), below the smallest high watermark among them, and
/// compares base offsets, leader epochs and CRCs. Exit status 1 when any partition's replicas diverge or a replica
/// cannot be read.
struct ClusterVerifyReplicasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-replicas",
        abstract: "Check that every replica of a topic holds the same batches below the high watermark.")

    /// Kafka's DEBUGGING_CONSUMER_ID: a fetch any replica answers from its own log (consumers use -1).
    static let debuggingReplicaId: Int32 = -2

    @OptionGroup var global: GlobalOptions

    @Option(help: "The topic to verify.")
    var topic: String

    @Option(help: "Only this partition (default: every partition).")
    var partition: Int32?

    func run() async throws {
        try await CommandRunner.withClient(global) { client in
            let cluster = try await client.describeCluster()
            let brokers = Dictionary(uniqueKeysWithValues: cluster.brokers.map { ($0.nodeId, $0) })
            let partitions = try await client.partitions(of: topic).filter { partition == nil || $0.partition == partition }
            guard !partitions.isEmpty else {
                throw SluiceError(.unknownTopicOrPartition, "topic '\(topic)' has no partition \(partition.map(String.init) ?? "")")
            }
            var failures = 0
            for metadata in partitions.sorted(by: { $0.partition < $1.partition }) {
                let (line, ok) = await verify(metadata, brokers: brokers)
                try StandardOutput.print(line)
                if !ok { failures += 1 }
            }
            if failures > 0 { throw CommandFailure("\(failures) partition(s) of \(topic) failed verification") }
        }
    }

    /// One partition: read each replica (one connection each), compare, and say what was found.
    private func verify(_ metadata: PartitionMetadata, brokers: [Int32: BrokerInfo]) async -> (String, Bool) {
        let name = "\(topic)-\(metadata.partition)"
        var connections: [Int32: BrokerConnection] = [:]
        let verdict = await examine(metadata, brokers: brokers, name: name, connections: &connections)
        for connection in connections.values { await connection.close() }
        return verdict
    }

    private func examine(
        _ metadata: PartitionMetadata, brokers: [Int32: BrokerInfo], name: String,
        connections: inout [Int32: BrokerConnection]
    ) async -> (String, Bool) {
        var highWatermarks: [Int32: Int64] = [:]
        var unreadable: [String] = []
        for replica in metadata.replicas {
            guard let broker = brokers[replica] else { unreadable.append("broker \(replica) is not registered"); continue }
            do {
                let connection = try await BrokerConnection.connect(
                    to: BrokerAddress(broker), clientId: "sluice-verify-replicas",
                    group: MultiThreadedEventLoopGroup.singleton)
                connections[replica] = connection
                highWatermarks[replica] = try await highWatermark(of: metadata.partition, on: connection)
            } catch {
                unreadable.append("broker \(replica): \(error)")
            }
        }
        guard unreadable.isEmpty, let bound = highWatermarks.values.min() else {
            return ("\(name): cannot read every replica: " + unreadable.joined(separator: "; "), false)
        }
        var batches: [Int32: [ReplicaComparison.BatchDigest]] = [:]
        for (replica, connection) in connections {
            do { batches[replica] = try await readBatches(of: metadata.partition, on: connection, below: bound) } catch {
                return ("\(name): cannot read broker \(replica): \(error)", false)
            }
        }
        let replicas = metadata.replicas.map(String.init).joined(separator: ",")
        switch ReplicaComparison.compare(batches) {
        case .identical(let count):
            return ("\(name): replicas \(replicas) hold the same \(count) batches below offset \(bound)", true)
        case .diverged(let offset, let byReplica):
            let detail = byReplica.sorted { $0.key < $1.key }.map { "broker \($0.key): \($0.value.map { "\($0)" } ?? "no batch")" }
            return ("\(name): replicas DIVERGE at offset \(offset) (below \(bound)): " + detail.joined(separator: "; "), false)
        }
    }

    private func highWatermark(of partition: Int32, on connection: BrokerConnection) async throws -> Int64 {
        let response = try await fetch(partition, from: 0, maxBytes: 0, on: connection)
        guard response.errorCode == .none || response.errorCode == .offsetOutOfRange else {
            throw SluiceError(response.errorCode, "fetch refused")
        }
        return response.highWatermark
    }

    /// Every batch of `partition` on `broker` that ends below `bound`, from its log start, a fetch at a time.
    private func readBatches(of partition: Int32, on connection: BrokerConnection, below bound: Int64) async throws
        -> [ReplicaComparison.BatchDigest]
    {
        var digests: [ReplicaComparison.BatchDigest] = []
        var offset = try await fetch(partition, from: 0, maxBytes: 0, on: connection).logStartOffset
        // Bound: each pass moves `offset` past at least one batch, or ends.
        while offset < bound {
            let response = try await fetch(partition, from: offset, maxBytes: 1_048_576, on: connection)
            guard response.errorCode == .none else { throw SluiceError(response.errorCode, "fetch at offset \(offset) refused") }
            var progressed = false
            response.records.withUnsafeReadableBytes { bytes in
                var position = 0
                while let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[position...])),
                    position + header.totalSize <= bytes.count
                {
                    position += header.totalSize
                    guard header.lastOffset < bound else { offset = bound; return }
                    if header.nextOffset > offset {
                        digests.append(ReplicaComparison.BatchDigest(header))
                        offset = header.nextOffset
                        progressed = true
                    }
                }
            }
            if !progressed { break }
        }
        return digests
    }

    private func fetch(_ partition: Int32, from offset: Int64, maxBytes: Int32, on connection: BrokerConnection)
        async throws -> FetchPartitionResponse
    {
        let request = FetchRequest(
            replicaId: Self.debuggingReplicaId, maxWaitMs: 0, minBytes: 0, maxBytes: max(maxBytes, 1),
            topics: [FetchTopic(name: topic, partitions: [
                FetchPartition(partition: partition, fetchOffset: offset, partitionMaxBytes: max(maxBytes, 1)),
            ])])
        let response = try await connection.send(.fetch(request))
        guard case .fetch(let fetched) = response.body,
            let result = fetched.topics.first?.partitions.first(where: { $0.partition == partition })
        else { throw SluiceError(.unknownServerError, "\(connection.address) sent no fetch answer") }
        return result
    }
}
