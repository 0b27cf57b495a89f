import SluiceBroker
import SluiceCluster
import SluiceConfig
import SluiceKafka
import SluiceWire

/// DescribeConfigs' answers, from this broker's configuration and the topics' overrides in the metadata cache:
/// a topic's keys with the value in force and where it comes from (the topic's own override, the broker's file,
/// or the default), a broker's keys as its configuration file set them or as defaulted. Pure.
enum KafkaConfigDescription {
    static func describe(
        _ resource: KafkaDescribeConfigs.Resource, config: BrokerConfig, image: BrokerMetadataCache.Image,
        includeSynonyms: Bool, includeDocumentation: Bool
    ) -> KafkaDescribeConfigs.Result {
        func failure(_ code: ErrorCode, _ message: String) -> KafkaDescribeConfigs.Result {
            KafkaDescribeConfigs.Result(
                errorCode: code, errorMessage: message, resourceType: resource.type, resourceName: resource.name,
                entries: [])
        }
        let brokerEntries = Dictionary(config.entries.map { ($0.name, $0) }) { first, _ in first }
        var entries: [KafkaDescribeConfigs.Entry]
        switch KafkaDescribeConfigs.ResourceType(rawValue: resource.type) {
        case .topic:
            guard let topic = image.topics[resource.name] else {
                return failure(.unknownTopicOrPartition, "topic '\(resource.name)' does not exist")
            }
            entries = TopicConfig.knownKeys.keys.sorted().map { key in
                topicEntry(
                    key, override: topic.configs[key], broker: brokerSynonym(of: key, brokerEntries),
                    effective: effectiveValue(of: key, config), includeSynonyms: includeSynonyms)
            }
        case .broker:
            guard resource.name.isEmpty || resource.name == String(config.nodeId) else {
                return failure(.invalidRequest, "this is broker \(config.nodeId), not broker \(resource.name)")
            }
            entries = config.entries.map { brokerEntry($0, includeSynonyms: includeSynonyms) }
        case nil:
            return failure(.invalidRequest, "resource type \(resource.type) is not served (2 topic, 4 broker)")
        }
        if let keys = resource.keys { entries = entries.filter { keys.contains($0.name) } }
        if includeDocumentation {
            for index in entries.indices {
                let brokerKey = TopicConfig.knownKeys[entries[index].name] ?? entries[index].name
                entries[index].documentation = brokerEntries[brokerKey]?.documentation
            }
        }
        return KafkaDescribeConfigs.Result(
            errorCode: .none, errorMessage: nil, resourceType: resource.type, resourceName: resource.name,
            entries: entries)
    }

    private static func topicEntry(
        _ key: String, override: String?, broker: ConfigEntry?, effective: String?, includeSynonyms: Bool
    ) -> KafkaDescribeConfigs.Entry {
        let brokerSource: KafkaDescribeConfigs.Source = broker?.isSet == true ? .staticBrokerConfig : .defaultConfig
        var synonyms: [KafkaDescribeConfigs.Synonym] = []
        if includeSynonyms {
            if let override { synonyms.append(.init(name: key, value: override, source: .topicConfig)) }
            if let broker { synonyms.append(.init(name: broker.name, value: broker.value ?? effective, source: brokerSource)) }
        }
        return KafkaDescribeConfigs.Entry(
            name: key, value: override ?? effective, readOnly: false,
            source: override != nil ? .topicConfig : brokerSource, isSensitive: false, synonyms: synonyms,
            type: broker.map { kafkaType($0.type) } ?? .unknown, documentation: nil)
    }

    private static func brokerEntry(_ entry: ConfigEntry, includeSynonyms: Bool) -> KafkaDescribeConfigs.Entry {
        let source: KafkaDescribeConfigs.Source = entry.isSet ? .staticBrokerConfig : .defaultConfig
        return KafkaDescribeConfigs.Entry(
            name: entry.name, value: entry.value, readOnly: true, source: source, isSensitive: entry.isSensitive,
            synonyms: includeSynonyms ? [.init(name: entry.name, value: entry.value, source: source)] : [],
            type: kafkaType(entry.type), documentation: nil)
    }

    /// The broker key a topic key falls back to: for retention.ms the first of log.retention.ms, .minutes and
    /// .hours the configuration set (Kafka's precedence), else log.retention.ms.
    private static func brokerSynonym(of topicKey: String, _ entries: [String: ConfigEntry]) -> ConfigEntry? {
        guard topicKey == "retention.ms" else { return TopicConfig.knownKeys[topicKey].flatMap { entries[$0] } }
        let keys = ["log.retention.ms", "log.retention.minutes", "log.retention.hours"]
        return keys.lazy.compactMap { entries[$0] }.first { $0.isSet } ?? entries["log.retention.ms"]
    }

    /// The broker-level value a topic key falls back to, as the broker resolved it (retention from hours or
    /// minutes, flush.ms unset = never, as Kafka's Long.MAX_VALUE).
    static func effectiveValue(of topicKey: String, _ config: BrokerConfig) -> String? {
        switch topicKey {
        case "retention.ms": String(config.logRetentionMs)
        case "retention.bytes": String(config.logRetentionBytes)
        case "segment.bytes": String(config.logSegmentBytes)
        case "max.message.bytes": String(config.messageMaxBytes)
        case "min.insync.replicas": String(config.minInsyncReplicas)
        case "flush.messages": String(config.logFlushIntervalMessages)
        case "flush.ms": String(config.logFlushIntervalMs ?? Int64.max)
        case "index.interval.bytes": String(config.logIndexIntervalBytes)
        case "unclean.leader.election.enable": String(config.uncleanLeaderElectionEnable)
        default: nil
        }
    }

    private static func kafkaType(_ type: SluiceConfig.ConfigType) -> KafkaDescribeConfigs.ConfigType {
        switch type {
        case .int: .int
        case .long: .long
        case .double: .double
        case .boolean: .boolean
        case .string: .string
        case .list: .list
        case .password: .password
        }
    }
}
