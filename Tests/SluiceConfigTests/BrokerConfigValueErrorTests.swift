import SluiceConfig
import Testing

@Suite struct BrokerConfigValueErrorTests {
    @Test func nonNumericNumberIsRefusedWithKafkasWording() {
        let error = brokerConfigError(key: "log.segment.bytes", value: "abc")
        #expect(error?.code == .invalidValue)
        #expect(error?.key == "log.segment.bytes")
        #expect(error?.value == "abc")
        #expect(error?.problem == "not a number (expected an integer in [14, 2147483647])")
        let expected =
            "Invalid value 'abc' for configuration log.segment.bytes: "
            + "not a number (expected an integer in [14, 2147483647])"
        #expect(error?.description == expected)
    }

    @Test(arguments: ["1GiB", "1_000", "0x10", "1.5", "", "1e3", "+", "--1"])
    func numbersAreKafkaStylePlainIntegersOnly(value: String) {
        #expect(brokerConfigError(key: "log.segment.bytes", value: value)?.problem.hasPrefix("not a number") == true)
    }

    @Test func signedAndPaddedIntegersAreAccepted() throws {
        #expect(try brokerConfig("num.partitions=+4").numPartitions == 4)
        #expect(try brokerConfig("num.partitions=  5  ").numPartitions == 5)
    }

    @Test func negativeSegmentSizeIsOutOfRange() {
        let error = brokerConfigError(key: "log.segment.bytes", value: "-5")
        #expect(error?.problem == "out of range (expected an integer in [14, 2147483647])")
    }

    @Test func retentionBytesAllowsOnlyMinusOneAsNegative() throws {
        let error = brokerConfigError(key: "log.retention.bytes", value: "-2")
        #expect(error?.problem == "out of range (expected -1 (unlimited) or an integer in [0, 9223372036854775807])")
        #expect(try brokerConfig("log.retention.bytes=-1").logRetentionBytes == -1)
        #expect(try brokerConfig("log.retention.bytes=0").logRetentionBytes == 0)
    }

    @Test func intBeyond32BitsIsOutOfRangeNotNotANumber() {
        let error = brokerConfigError(key: "log.segment.bytes", value: "2147483648")
        #expect(error?.problem == "out of range (expected an integer in [14, 2147483647])")
        #expect(
            brokerConfigError(key: "log.retention.bytes", value: "9223372036854775808")?.problem.hasPrefix(
                "out of range") == true)
    }

    @Test(arguments: [
        ("num.partitions", "0"), ("default.replication.factor", "0"), ("min.insync.replicas", "0"),
        ("node.id", "-1"), ("num.network.threads", "0"), ("num.io.threads", "0"), ("socket.request.max.bytes", "0"),
        ("message.max.bytes", "-1"), ("log.segment.bytes", "13"), ("log.flush.interval.messages", "0"),
        ("replica.lag.time.max.ms", "0"), ("log.retention.check.interval.ms", "0"), ("log.index.interval.bytes", "-1"),
        ("log.retention.ms", "0"), ("log.retention.minutes", "-2"), ("log.retention.hours", "0"),
    ])
    func valuesBelowTheMinimumAreOutOfRange(key: String, value: String) {
        let error = brokerConfigError(key: key, value: value)
        #expect(error?.key == key)
        #expect(error?.problem.hasPrefix("out of range (expected ") == true)
    }

    @Test func minimumValuesAreAccepted() throws {
        let config = try brokerConfig("log.segment.bytes=14", "node.id=0", "message.max.bytes=0")
        #expect(config.logSegmentBytes == 14)
        #expect(config.nodeId == 0)
    }

    @Test(arguments: ["yes", "1", "on", "", "tru"])
    func badBooleanIsRefused(value: String) {
        let error = brokerConfigError(key: "unclean.leader.election.enable", value: value)
        #expect(error?.problem == "not a boolean (expected true or false)")
    }

    @Test func booleansAreCaseInsensitive() throws {
        #expect(try brokerConfig("delete.topic.enable=FALSE").deleteTopicEnable == false)
        #expect(try brokerConfig("metrics.enabled=False").metricsEnabled == false)
        #expect(try brokerConfig("auto.create.topics.enable=True").autoCreateTopicsEnable == true)
    }

    @Test(arguments: ["", "a/b", "has space", ".", "..", String(repeating: "x", count: 256)])
    func badClusterIdIsRefused(value: String) {
        #expect(brokerConfigError(key: "cluster.id", value: value)?.key == "cluster.id")
    }

    @Test(arguments: ["zookeeper://h:2181", "etcd://", "etcd://host", "etcd://h:1,", "etcd://h:0", "Embedded"])
    func badMetadataStoreIsRefused(value: String) {
        let error = brokerConfigError(key: "metadata.store", value: value)
        #expect(error?.key == "metadata.store")
        #expect(error?.problem.hasSuffix("(expected embedded or etcd://host:port[,host:port...])") == true)
    }

    @Test func etcdEndpointsAreParsedButNotContacted() throws {
        let config = try brokerConfig("metadata.store=etcd://[::1]:2379, etcd-b:2379")
        #expect(
            config.metadataStore
                == .etcd(endpoints: [HostPort(host: "::1", port: 2379), HostPort(host: "etcd-b", port: 2379)]))
        #expect(config.metadataStore.description == "etcd://[::1]:2379,etcd-b:2379")
    }

    @Test func logDirsMustBeNonEmptyAndDistinct() {
        #expect(brokerConfigError(key: "log.dirs", value: "")?.problem.hasPrefix("empty") == true)
        #expect(brokerConfigError(key: "log.dirs", value: "/a,,/b")?.problem.hasPrefix("empty list element") == true)
        #expect(
            brokerConfigError(key: "log.dirs", value: "/a,/a")?.problem.hasPrefix("a directory appears twice") == true)
    }

    @Test func logDirsWinsOverLogDir() throws {
        #expect(try brokerConfig("log.dir=/old").logDirs == ["/old"])
        #expect(try brokerConfig("log.dir=/old", "log.dirs=/new1, /new2").logDirs == ["/new1", "/new2"])
    }

    @Test func gatewayPrefixAloneIsRefused() {
        #expect(brokerConfigError(key: "gateway.", value: "x")?.problem == "empty key after prefix")
    }
}
