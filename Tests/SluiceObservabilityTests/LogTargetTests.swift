import Testing

@testable import SluiceObservability

@Suite struct LogTargetTests {
    @Test func overrideVariableWins() {
        #expect(LogTarget.choose(environment: ["SLUICE_LOG_TARGET": "stderr"], journalSocketExists: true) == .stderr)
        #expect(LogTarget.choose(environment: ["SLUICE_LOG_TARGET": "journal"], journalSocketExists: false) == .journal)
    }

    @Test func journalSocketSelectsTheJournal() {
        #expect(LogTarget.choose(environment: [:], journalSocketExists: true) == .journal)
        #expect(LogTarget.choose(environment: [:], journalSocketExists: false) == .stderr)
    }

    @Test func journalStreamAloneKeepsStderrBecauseStderrAlreadyIsTheJournal() {
        #expect(LogTarget.choose(environment: ["JOURNAL_STREAM": "8:12345"], journalSocketExists: false) == .stderr)
    }

    @Test func unknownOverrideValuesAreIgnored() {
        #expect(LogTarget.choose(environment: ["SLUICE_LOG_TARGET": "syslog"], journalSocketExists: true) == .journal)
        #expect(LogTarget.choose(environment: ["SLUICE_LOG_TARGET": ""], journalSocketExists: false) == .stderr)
    }

    @Test func sinksReportTheirTarget() {
        #expect(LogSink(target: .journal).target == .journal)
        #expect(LogSink(target: .stderr, identifier: "sluice").target == .stderr)
        #expect(LogSink(target: .stderr, identifier: "sluice").identifier == "sluice")
    }
}
