import SluiceConfig
import Testing

/// Configurations that start the broker but earn a warning, and the wording of an unknown key.
@Suite struct BrokerConfigWarningTests {
    @Test func keyGivenTwiceInTheFileWarnsWithBothLinesAndTheValueUsed() throws {
        let config = try BrokerConfig.parse(
            fileContents: "log.retention.hours=168\nnode.id=1\nlog.retention.hours=24\n", overrides: [])
        #expect(config.logRetentionMs == 24 * 3_600_000)
        #expect(config.warnings == [
            "log.retention.hours is set 2 times in the configuration file (lines 1, 3); the last value '24' is used"
        ])
    }

    @Test func overrideOfAFileKeyIsNotWarnedButARepeatedOverrideIs() throws {
        let once = try BrokerConfig.parse(fileContents: "num.partitions=3\n", overrides: ["num.partitions=4"])
        #expect(once.warnings.isEmpty)
        let twice = try BrokerConfig.parse(fileContents: "", overrides: ["num.partitions=4", "num.partitions=5"])
        #expect(twice.numPartitions == 5)
        #expect(twice.warnings == ["--override num.partitions is given 2 times; the last one is used"])
    }

    @Test(arguments: ["replica.lag.time.max.ms=1000", "unclean.leader.election.enable=true"])
    func replicationKeySetOnASingleBrokerWarnsNamingIt(setting: String) throws {
        let config = try BrokerConfig.parse(fileContents: setting + "\n", overrides: [])
        let key = String(setting.prefix { $0 != "=" })
        #expect(config.warnings.count == 1)
        #expect(config.warnings.first?.hasPrefix("\(key) has no effect on a single broker") == true)
    }

    @Test func defaultsEarnNoWarning() throws {
        #expect(try BrokerConfig.parse(fileContents: "", overrides: []).warnings.isEmpty)
    }

    @Test func unknownKeyDescriptionBlamesTheKeyNotTheValue() {
        let error = brokerConfigError("log.retension.hours=168\n")
        #expect(error?.description
            == "Invalid configuration log.retension.hours: unknown configuration key (did you mean log.retention.hours?)")
    }
}
