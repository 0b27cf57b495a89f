import SluiceConfig
import Testing

@Suite struct BrokerConfigOverrideTests {
    @Test func overridesWinOverTheFile() throws {
        let config = try BrokerConfig.parse(
            fileContents: "num.partitions=3\nnode.id=4\n", overrides: ["num.partitions=12", "cluster.id=x"])
        #expect(config.numPartitions == 12)
        #expect(config.nodeId == 4)
        #expect(config.clusterId == "x")
    }

    @Test func laterOverrideWinsOverEarlierOne() throws {
        #expect(try brokerConfig("node.id=2", "node.id=3").nodeId == 3)
    }

    @Test func overrideSplitsAtTheFirstEqualsSign() throws {
        let config = try brokerConfig("gateway.client.id=a=b", " num.partitions =2")
        #expect(config.gatewayProperties == ["client.id": "a=b"])
        #expect(config.numPartitions == 2)
    }

    @Test func overrideWithoutEqualsIsAnErrorNamingIt() {
        let error = brokerConfigError("", overrides: ["num.partitions=2", "node.id"])
        #expect(error?.code == .malformedOverride)
        #expect(error?.key == "--override")
        #expect(error?.value == "node.id")
        #expect(
            error?.description
                == "Invalid value 'node.id' for configuration --override: missing '=' (expected key=value)")
    }

    @Test func overrideWithEmptyKeyIsAnError() {
        #expect(brokerConfigError("", overrides: ["=5"])?.code == .malformedOverride)
    }

    @Test func invalidOverrideValueNamesTheKey() {
        let error = brokerConfigError("", overrides: ["log.segment.bytes=big"])
        #expect(error?.key == "log.segment.bytes")
        #expect(error?.value == "big")
    }

    @Test func overrideCanRepairABadFileValue() throws {
        let config = try BrokerConfig.parse(fileContents: "num.partitions=zero\n", overrides: ["num.partitions=1"])
        #expect(config.numPartitions == 1)
    }

    @Test func unknownOverrideKeyIsRefused() {
        #expect(brokerConfigError("", overrides: ["no.such.key=1"])?.code == .unknownKey)
    }
}
