import NIOCore
import SluiceWire

/// DescribeConfigs (key 32), v1–v3, non-flexible: every configuration of a topic or a broker with its value,
/// source and, when asked, synonyms (the topic key, the broker key it overrides, the default) and documentation.
public enum KafkaDescribeConfigs {
    /// Kafka's ConfigResource types served.
    public enum ResourceType: Int8, Sendable {
        case topic = 2
        case broker = 4
    }

    /// Kafka's ConfigSource.
    public enum Source: Int8, Sendable {
        case topicConfig = 1
        case staticBrokerConfig = 4
        case defaultConfig = 5
    }

    /// Kafka's ConfigType (v3+).
    public enum ConfigType: Int8, Sendable {
        case unknown = 0
        case boolean = 1
        case string = 2
        case int = 3
        case long = 5
        case double = 6
        case list = 7
        case password = 9
    }

    public struct Resource: Sendable, Equatable {
        public var type: Int8
        public var name: String
        /// nil: every key.
        public var keys: [String]?

        public init(type: Int8, name: String, keys: [String]?) {
            self.type = type
            self.name = name
            self.keys = keys
        }
    }

    public struct Request: Sendable, Equatable {
        public var resources: [Resource]
        public var includeSynonyms: Bool
        public var includeDocumentation: Bool

        public init(resources: [Resource], includeSynonyms: Bool, includeDocumentation: Bool) {
            self.resources = resources
            self.includeSynonyms = includeSynonyms
            self.includeDocumentation = includeDocumentation
        }
    }

    public struct Synonym: Sendable, Equatable {
        public var name: String
        public var value: String?
        public var source: Source

        public init(name: String, value: String?, source: Source) {
            self.name = name
            self.value = value
            self.source = source
        }
    }

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var value: String?
        public var readOnly: Bool
        public var source: Source
        public var isSensitive: Bool
        /// Highest precedence first, the entry's own source included (Kafka's order).
        public var synonyms: [Synonym]
        public var type: ConfigType
        public var documentation: String?

        public init(
            name: String, value: String?, readOnly: Bool, source: Source, isSensitive: Bool, synonyms: [Synonym],
            type: ConfigType, documentation: String?
        ) {
            self.name = name
            self.value = value
            self.readOnly = readOnly
            self.source = source
            self.isSensitive = isSensitive
            self.synonyms = synonyms
            self.type = type
            self.documentation = documentation
        }
    }

    public struct Result: Sendable {
        public var errorCode: ErrorCode
        public var errorMessage: String?
        public var resourceType: Int8
        public var resourceName: String
        public var entries: [Entry]

        public init(errorCode: ErrorCode, errorMessage: String?, resourceType: Int8, resourceName: String, entries: [Entry]) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.resourceType = resourceType
            self.resourceName = resourceName
            self.entries = entries
        }
    }

    /// Reads a request body of `version` (1–3).
    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        precondition(
            KafkaApiKey.describeConfigs.servedVersions.contains(version), "DescribeConfigs v\(version) is not served")
        let count = try reader.arrayLength(minimumElementBytes: 7) ?? 0
        var resources: [Resource] = []
        resources.reserveCapacity(count)
        for _ in 0..<count {
            let type = try reader.int8()
            let name = try reader.string()
            var keys: [String]?
            if let keyCount = try reader.arrayLength(minimumElementBytes: 2) {
                var names: [String] = []
                names.reserveCapacity(keyCount)
                for _ in 0..<keyCount { names.append(try reader.string()) }
                keys = names
            }
            resources.append(Resource(type: type, name: name, keys: keys))
        }
        let includeSynonyms = try reader.bool()
        let includeDocumentation = version >= 3 ? try reader.bool() : false
        return Request(resources: resources, includeSynonyms: includeSynonyms, includeDocumentation: includeDocumentation)
    }

    /// The response body for `version` (1–3).
    public static func responseBody(_ results: [Result], version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        writer.int32(0)  // throttle_time_ms
        writer.array(results) { writer, result in
            writer.int16(result.errorCode.rawValue)
            writer.string(result.errorMessage)
            writer.int8(result.resourceType)
            writer.string(result.resourceName)
            writer.array(result.entries) { writer, entry in
                writer.string(entry.name)
                writer.string(entry.value)
                writer.bool(entry.readOnly)
                writer.int8(entry.source.rawValue)
                writer.bool(entry.isSensitive)
                writer.array(entry.synonyms) { writer, synonym in
                    writer.string(synonym.name)
                    writer.string(synonym.value)
                    writer.int8(synonym.source.rawValue)
                }
                if version >= 3 {
                    writer.int8(entry.type.rawValue)
                    writer.string(entry.documentation)
                }
            }
        }
        return writer.buffer
    }
}
