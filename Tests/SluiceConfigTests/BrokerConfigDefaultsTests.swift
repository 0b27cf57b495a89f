import SluiceConfig
import Testing

@Suite struct BrokerConfigDefaultsTests {
    @Test func emptyFileGivesKafkaDefaultsAndSluiceDefaults() throws {
        let config = try BrokerConfig.parse(fileContents: "", overrides: [])
        #expect(config.nodeId == 1)
        #expect(
            config.listeners == [ListenerEndpoint(name: "PLAINTEXT", address: HostPort(host: "127.0.0.1", port: 9092))])
        #expect(config.advertisedListeners == config.listeners)
        #expect(config.httpListener == HostPort(host: "127.0.0.1", port: 9192))
        #expect(config.logDirs == ["/tmp/sluice-logs"])
        #expect(config.numPartitions == 1)
        #expect(config.defaultReplicationFactor == 1)
        #expect(config.minInsyncReplicas == 1)
        #expect(config.uncleanLeaderElectionEnable == false)
        #expect(config.replicaLagTimeMaxMs == 30_000)
        #expect(config.logSegmentBytes == 1_073_741_824)
        #expect(config.logRetentionMs == 168 * 3_600_000)
        #expect(config.logRetentionBytes == -1)
        #expect(config.logRetentionCheckIntervalMs == 300_000)
        #expect(config.logFlushIntervalMessages == Int64.max)
        #expect(config.logFlushIntervalMs == nil)
        #expect(config.logFlushSchedulerIntervalMs == Int64.max)
        #expect(config.logIndexIntervalBytes == 4096)
        #expect(config.messageMaxBytes == 1_048_588)
        #expect(config.socketRequestMaxBytes == 104_857_600)
        #expect(config.numNetworkThreads == 3)
        #expect(config.numIoThreads == 8)
        #expect(config.autoCreateTopicsEnable == true, "Kafka's default")
        #expect(config.deleteTopicEnable == true)
        #expect(config.metadataStore == .embedded)
        #expect(config.clusterId == "sluice")
        #expect(config.metricsEnabled == true)
        #expect(config.gatewayProperties.isEmpty)
        #expect(config.producerIdExpirationMs == 86_400_000)
    }

    @Test func everyDefinedKeyIsDocumentedAndHasAValidDefaultOrIsOptional() throws {
        let definition = BrokerConfig.definitions
        #expect(definition.keys.count == 56)
        for key in definition.keys {
            #expect(!key.documentation.isEmpty, "\(key.name)")
            #expect(key.defaultValue != .required, "\(key.name) must not be required: an empty file is valid")
            if case .value(let value) = key.defaultValue {
                #expect(try key.parse(value.description) == value, "\(key.name) default round-trips")
            }
        }
        #expect(definition.prefixes.map(\.prefix) == ["gateway."])
    }

    @Test func optionalKeysWithoutDefaultAreTheOnesKafkaLeavesNull() {
        let unset = BrokerConfig.definitions.keys.filter { $0.defaultValue == .unset }.map(\.name)
        #expect(
            unset == [
                "advertised.listeners", "log.dirs", "log.flush.interval.ms", "log.retention.ms",
                "log.retention.minutes",
            ])
    }

    @Test func settingEveryKeyChangesEveryField() throws {
        let text = """
            node.id=7
            listeners=PLAINTEXT://:0
            advertised.listeners=PLAINTEXT://broker-7.example:19092
            http.listener=0.0.0.0:0
            log.dirs=/data/a,/data/b
            num.partitions=6
            default.replication.factor=3
            min.insync.replicas=2
            unclean.leader.election.enable=TRUE
            replica.lag.time.max.ms=1000
            log.segment.bytes=1048576
            log.retention.ms=60000
            log.retention.bytes=10485760
            log.retention.check.interval.ms=5000
            log.flush.interval.messages=100
            log.flush.interval.ms=50
            log.flush.scheduler.interval.ms=10
            log.index.interval.bytes=1024
            message.max.bytes=2000000
            socket.request.max.bytes=4000000
            num.network.threads=2
            num.io.threads=4
            auto.create.topics.enable=true
            delete.topic.enable=False
            metadata.store=etcd://10.0.0.1:2379,10.0.0.2:2379
            cluster.id=prod-east_1
            metrics.enabled=false
            gateway.linger.ms=5
            gateway.acks=all
            """
        let config = try BrokerConfig.parse(fileContents: text, overrides: [])
        #expect(config.nodeId == 7)
        #expect(config.listeners.map(\.description) == ["PLAINTEXT://:0"])
        #expect(config.advertisedListeners.map(\.description) == ["PLAINTEXT://broker-7.example:19092"])
        #expect(config.httpListener == HostPort(host: "0.0.0.0", port: 0))
        #expect(config.logDirs == ["/data/a", "/data/b"])
        #expect([config.numPartitions, config.defaultReplicationFactor, config.minInsyncReplicas] == [6, 3, 2])
        #expect(config.uncleanLeaderElectionEnable)
        #expect(config.replicaLagTimeMaxMs == 1000)
        #expect(config.logSegmentBytes == 1_048_576)
        #expect(config.logRetentionMs == 60_000)
        #expect(config.logRetentionBytes == 10_485_760)
        #expect(config.logRetentionCheckIntervalMs == 5000)
        #expect(config.logFlushIntervalMessages == 100)
        #expect(config.logFlushIntervalMs == 50)
        #expect(config.logFlushSchedulerIntervalMs == 10)
        #expect(config.logIndexIntervalBytes == 1024)
        #expect(config.messageMaxBytes == 2_000_000)
        #expect(config.socketRequestMaxBytes == 4_000_000)
        #expect([config.numNetworkThreads, config.numIoThreads] == [2, 4])
        #expect(config.autoCreateTopicsEnable)
        #expect(!config.deleteTopicEnable)
        #expect(
            config.metadataStore
                == .etcd(endpoints: [HostPort(host: "10.0.0.1", port: 2379), HostPort(host: "10.0.0.2", port: 2379)]))
        #expect(config.clusterId == "prod-east_1")
        #expect(!config.metricsEnabled)
        #expect(config.gatewayProperties == ["linger.ms": "5", "acks": "all"])
    }

    @Test func helpTextListsEveryKeyWithItsDefault() {
        let help = BrokerConfig.definitions.helpText()
        for key in BrokerConfig.definitions.keys {
            #expect(help.contains(key.name + "\n"), "\(key.name)")
        }
        #expect(help.contains("Default: 1073741824; Valid values: an integer in [14, 2147483647]"))
        #expect(help.contains("gateway.*"))
    }
}
