import Synchronization
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

    /// A journal writer that records what it was given, for sinks under test.
    final class RecordingJournal: JournalWriter {
        let accepts: Bool
        let sent = Mutex<[[String]]>([])
        init(accepts: Bool) { self.accepts = accepts }
        func send(fields: [String]) -> Bool {
            sent.withLock { $0.append(fields) }
            return accepts
        }
    }

    @Test func aJournalSinkNeedsAWriterElseItWritesToStderr() {
        #expect(LogSink(target: .journal, journal: RecordingJournal(accepts: true)).target == .journal)
        #expect(LogSink(target: .journal).target == .stderr, "no journald code here: libraries use stderr")
    }

    @Test func aJournalSinkHandsEachEntrysFieldsToItsWriter() {
        let journal = RecordingJournal(accepts: true)
        let events = EventEmitter(sink: LogSink(target: .journal, identifier: "sluiced", journal: journal))
        events.brokerStopping(brokerId: 3, reason: "test")
        let sent = journal.sent.withLock { $0 }
        #expect(sent.count == 1)
        #expect(sent.first?.contains("SLUICE_EVENT=broker_stopping") == true)
        #expect(sent.first?.contains("SYSLOG_IDENTIFIER=sluiced") == true)
        #expect(sent.first?.contains("BROKER_ID=3") == true)
    }

    @Test func sinksReportTheirTarget() {
        #expect(LogSink(target: .stderr, identifier: "sluice").target == .stderr)
        #expect(LogSink(target: .stderr, identifier: "sluice").identifier == "sluice")
    }
}
