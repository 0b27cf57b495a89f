import Foundation
import SluiceWire

/// The etcd store's key layout (design.md "Coordination") under `/sluice/<cluster>/`, and the pure mapping of
/// etcd key-values to metadata: a snapshot from a prefix range, `MetadataChange`s from watch events.
struct EtcdKeys: Sendable {
    /// What a key under the cluster prefix names.
    enum Kind: Equatable {
        case broker(Int32)
        case controller
        case topic(String)
        case partition(topic: String, partition: Int32)
        case producerIds
        case other
    }

    /// A partition state as stored: `version` is the key's mod_revision, never in the value.
    private struct StoredPartition: Codable {
        var partition: Int32
        var replicas: [Int32]
        var leader: Int32
        var leaderEpoch: Int32
        var isr: [Int32]
        var controllerEpoch: Int64
    }

    /// A topic key's value.
    private struct StoredTopic: Codable {
        var configs: [String: String]
    }

    let clusterId: String
    /// `/sluice/<cluster>/`.
    let prefix: String

    init(clusterId: String) {
        self.clusterId = clusterId
        self.prefix = "/sluice/\(clusterId)/"
    }

    func broker(_ id: Int32) -> String { prefix + "brokers/\(id)" }
    var controller: String { prefix + "controller" }
    func topic(_ name: String) -> String { prefix + "topics/\(name)" }
    func partition(_ topic: String, _ partition: Int32) -> String { prefix + "topics/\(topic)/partitions/\(partition)" }
    var producerIds: String { prefix + "producer-ids" }

    func kind(of key: String) -> Kind {
        guard key.hasPrefix(prefix) else { return .other }
        let parts = key.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where parts[0] == "controller": return .controller
        case 1 where parts[0] == "producer-ids": return .producerIds
        case 2 where parts[0] == "brokers": return Int32(parts[1]).map { .broker($0) } ?? .other
        case 2 where parts[0] == "topics": return .topic(String(parts[1]))
        case 4 where parts[0] == "topics" && parts[2] == "partitions":
            return Int32(parts[3]).map { .partition(topic: String(parts[1]), partition: $0) } ?? .other
        default: return .other
        }
    }

    // MARK: Values

    static func encode(_ state: PartitionState, controllerEpoch: Int64) -> Data {
        let stored = StoredPartition(
            partition: state.partition, replicas: state.replicas, leader: state.leader,
            leaderEpoch: state.leaderEpoch, isr: state.isr, controllerEpoch: controllerEpoch)
        return encodeJSON(stored)
    }

    static func encodeTopic(configs: [String: String]) -> Data { encodeJSON(StoredTopic(configs: configs)) }

    static func encode(_ broker: BrokerInfo) -> Data { encodeJSON(broker) }

    private static func encodeJSON(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do { return try encoder.encode(value) } catch { preconditionFailure("metadata values encode: \(error)") }
    }

    func partitionState(_ kv: EtcdWire.KeyValue) throws(MetadataError) -> PartitionState {
        let stored: StoredPartition
        do { stored = try JSONDecoder().decode(StoredPartition.self, from: kv.valueData) } catch {
            throw .corrupt("\(kv.keyText) is not a partition state: \(error)")
        }
        guard !stored.replicas.isEmpty else { throw .corrupt("\(kv.keyText) has no replicas") }
        return PartitionState(
            partition: stored.partition, replicas: stored.replicas, leader: stored.leader,
            leaderEpoch: stored.leaderEpoch, isr: stored.isr, controllerEpoch: stored.controllerEpoch,
            version: kv.modRevisionValue)
    }

    func brokerInfo(_ kv: EtcdWire.KeyValue) throws(MetadataError) -> BrokerInfo {
        do { return try JSONDecoder().decode(BrokerInfo.self, from: kv.valueData) } catch {
            throw .corrupt("\(kv.keyText) is not a broker registration: \(error)")
        }
    }

    func topicConfigs(_ kv: EtcdWire.KeyValue) throws(MetadataError) -> [String: String] {
        do { return try JSONDecoder().decode(StoredTopic.self, from: kv.valueData).configs } catch {
            throw .corrupt("\(kv.keyText) is not a topic: \(error)")
        }
    }

    func controllerInfo(_ kv: EtcdWire.KeyValue) throws(MetadataError) -> ControllerInfo {
        guard let id = Int32(String(decoding: kv.valueData, as: UTF8.self)), kv.createRevisionValue >= 1 else {
            throw .corrupt("\(kv.keyText) does not hold a broker id")
        }
        return ControllerInfo(brokerId: id, epoch: kv.createRevisionValue)
    }

    // MARK: Snapshot and watch

    /// The metadata a prefix range returned, at `revision`.
    func snapshot(_ kvs: [EtcdWire.KeyValue], revision: Int64) throws(MetadataError) -> ClusterSnapshot {
        var controller: ControllerInfo?
        var brokers: [BrokerInfo] = []
        var configs: [String: [String: String]] = [:]
        var partitions: [String: [PartitionState]] = [:]
        for kv in kvs {
            switch kind(of: kv.keyText) {
            case .broker: brokers.append(try brokerInfo(kv))
            case .controller: controller = try controllerInfo(kv)
            case .topic(let name): configs[name] = try topicConfigs(kv)
            case .partition(let topic, _): partitions[topic, default: []].append(try partitionState(kv))
            case .producerIds, .other: break
            }
        }
        var topics: [String: TopicState] = [:]
        for (name, topicConfigs) in configs {
            let states = (partitions[name] ?? []).sorted { $0.partition < $1.partition }
            topics[name] = TopicState(name: name, partitions: states, configs: topicConfigs)
        }
        return ClusterSnapshot(
            clusterId: clusterId, revision: revision, controller: controller,
            brokers: brokers.sorted { $0.nodeId < $1.nodeId }, topics: topics)
    }

    /// The changes of one watch response, as the embedded store publishes them: a topic key created in a
    /// revision with its partitions is one `topicCreated`; the partition deletes of a topic delete are not
    /// changes of their own.
    func changes(_ events: [EtcdWire.Event]) throws(MetadataError) -> [MetadataEvent] {
        var result: [MetadataEvent] = []
        var index = 0
        while index < events.count {
            // One revision's events are contiguous; a delete's kv carries the delete's revision as mod_revision.
            let revision = events[index].kv?.modRevisionValue ?? 0
            var end = index + 1
            while end < events.count, (events[end].kv?.modRevisionValue ?? 0) == revision { end += 1 }
            result += try changes(ofRevision: Array(events[index..<end])).map {
                MetadataEvent(revision: revision, change: $0)
            }
            index = end
        }
        return result
    }

    private func changes(ofRevision events: [EtcdWire.Event]) throws(MetadataError) -> [MetadataChange] {
        var created: [String: [PartitionState]] = [:]
        for event in events where event.type != "DELETE" {
            guard let kv = event.kv, case .topic(let name) = kind(of: kv.keyText),
                kv.createRevisionValue == kv.modRevisionValue
            else { continue }
            created[name] = []
        }
        var changes: [MetadataChange] = []
        for event in events {
            guard let kv = event.kv else { continue }
            let isDelete = event.type == "DELETE"
            switch (kind(of: kv.keyText), isDelete) {
            case (.broker(let id), true): changes.append(.brokerDeregistered(brokerId: id))
            case (.broker, false): changes.append(.brokerRegistered(try brokerInfo(kv)))
            case (.controller, true): changes.append(.controllerChanged(nil))
            case (.controller, false): changes.append(.controllerChanged(try controllerInfo(kv)))
            case (.topic(let name), true):
                changes.append(.topicDeleted(name: name))
            case (.topic(let name), false):
                let states = events.compactMap { event -> EtcdWire.KeyValue? in
                    guard event.type != "DELETE", let kv = event.kv,
                        case .partition(let topic, _) = kind(of: kv.keyText), topic == name
                    else { return nil }
                    return kv
                }
                var partitions: [PartitionState] = []
                for kv in states { partitions.append(try partitionState(kv)) }
                partitions.sort { $0.partition < $1.partition }
                changes.append(.topicCreated(TopicState(name: name, partitions: partitions, configs: try topicConfigs(kv))))
            case (.partition(let topic, _), false) where created[topic] == nil:
                changes.append(.partitionChanged(topic: topic, state: try partitionState(kv)))
            case (.partition, _), (.producerIds, _), (.other, _): break
            }
        }
        return changes
    }
}
