import SluiceConfig
import Testing

@Suite struct BrokerConfigUnknownKeyTests {
    @Test func unknownKeyIsNamedWithTheNearestKnownKey() {
        let error = brokerConfigError("node.id=1\nlog.segment.byte=1024\n")
        #expect(error?.code == .unknownKey)
        #expect(error?.key == "log.segment.byte")
        #expect(error?.value == "1024")
        #expect(error?.problem == "unknown configuration key (did you mean log.segment.bytes?)")
    }

    @Test func caseMistakeSuggestsTheKey() {
        #expect(
            brokerConfigError(key: "Num.Partitions", value: "1")?.problem.contains("did you mean num.partitions?")
                == true)
    }

    @Test func distantUnknownKeyHasNoSuggestion() {
        let error = brokerConfigError(key: "broker.id", value: "1")
        #expect(error?.code == .unknownKey)
        #expect(error?.problem == "unknown configuration key")
        #expect(brokerConfigError(key: "zookeeper.connect", value: "h:2181")?.problem == "unknown configuration key")
    }

    @Test func producerKeyOutsideTheGatewayPrefixIsUnknown() {
        #expect(brokerConfigError(key: "linger.ms", value: "5")?.code == .unknownKey)
    }

    @Test func firstUnknownKeyInFileOrderIsReported() {
        #expect(brokerConfigError("aaa=1\nbbb=2\n")?.key == "aaa")
    }
}
