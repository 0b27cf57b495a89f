import SluiceConfig
import Testing

@Suite struct BrokerConfigRetentionTests {
    @Test func retentionMsWinsOverMinutesAndHours() throws {
        let config = try brokerConfig("log.retention.ms=1234", "log.retention.minutes=5", "log.retention.hours=6")
        #expect(config.logRetentionMs == 1234)
    }

    @Test func retentionMinutesWinOverHours() throws {
        #expect(try brokerConfig("log.retention.minutes=5", "log.retention.hours=6").logRetentionMs == 300_000)
    }

    @Test func retentionHoursApplyWhenNothingElseIsSet() throws {
        #expect(try brokerConfig("log.retention.hours=6").logRetentionMs == 21_600_000)
    }

    @Test func minusOneInTheWinningUnitMeansUnlimited() throws {
        #expect(try brokerConfig("log.retention.ms=-1", "log.retention.hours=6").logRetentionMs == -1)
        #expect(try brokerConfig("log.retention.minutes=-1").logRetentionMs == -1)
        #expect(try brokerConfig("log.retention.hours=-1").logRetentionMs == -1)
    }

    @Test func largestHoursDoNotOverflow() throws {
        #expect(try brokerConfig("log.retention.hours=2147483647").logRetentionMs == 2_147_483_647 * 3_600_000)
    }
}
