import Logging
import Synchronization
import Testing

@testable import SluiceObservability

@Suite struct JournalLogHandlerTests {
    @Test func metadataKeysBecomeUpperCaseSluiceFields() {
        #expect(JournalLogHandler.fieldName(forMetadataKey: "sluice.topic") == "SLUICE_TOPIC")
        #expect(JournalLogHandler.fieldName(forMetadataKey: "sluice.partition") == "SLUICE_PARTITION")
        #expect(JournalLogHandler.fieldName(forMetadataKey: "topic") == "SLUICE_TOPIC")
        #expect(JournalLogHandler.fieldName(forMetadataKey: "peer-address") == "SLUICE_PEER_ADDRESS")
        #expect(JournalLogHandler.fieldName(forMetadataKey: "request.id2") == "SLUICE_REQUEST_ID2")
        #expect(JournalLogHandler.fieldName(forMetadataKey: "ünïcode key") == "SLUICE___N__CODE_KEY")
        #expect(JournalLogHandler.fieldName(forMetadataKey: "") == "SLUICE_")
    }

    @Test func mangledNamesAreValidJournalFieldsEvenWhenLong() {
        let long = String(repeating: "k", count: 200)
        let name = JournalLogHandler.fieldName(forMetadataKey: long)
        #expect(name.utf8.count == 64)
        #expect(JournalEntry.isValidFieldName(name))
        for key in ["sluice.topic", "9lives", "_private", "a.b-c d", "x"] {
            #expect(JournalEntry.isValidFieldName(JournalLogHandler.fieldName(forMetadataKey: key)))
        }
    }

    @Test func fieldNameValidationRejectsWhatJournaldDrops() {
        #expect(JournalEntry.isValidFieldName("SLUICE_TOPIC"))
        #expect(!JournalEntry.isValidFieldName("_PID"))
        #expect(!JournalEntry.isValidFieldName("1ABC"))
        #expect(!JournalEntry.isValidFieldName("lower"))
        #expect(!JournalEntry.isValidFieldName(""))
        #expect(!JournalEntry.isValidFieldName(String(repeating: "A", count: 65)))
    }

    @Test func levelsMapToSyslogPriorities() {
        #expect(JournalLogHandler.priority(for: .trace) == .debug)
        #expect(JournalLogHandler.priority(for: .debug) == .debug)
        #expect(JournalLogHandler.priority(for: .info) == .info)
        #expect(JournalLogHandler.priority(for: .notice) == .notice)
        #expect(JournalLogHandler.priority(for: .warning) == .warning)
        #expect(JournalLogHandler.priority(for: .error) == .error)
        #expect(JournalLogHandler.priority(for: .critical) == .critical)
    }

    @Test func logCallsBecomeEntriesWithMetadataAndCodeLocation() {
        let entries = Mutex<[JournalEntry]>([])
        let sink = LogSink(identifier: "sluiced") { entry in entries.withLock { $0.append(entry) } }
        var logger = Logger(label: "sluice.broker") { label in JournalLogHandler(label: label, sink: sink) }
        logger[metadataKey: "sluice.topic"] = "orders"
        logger.debug("dropped below info")
        logger.warning("ISR shrank", metadata: ["sluice.partition": "3", "sluice.topic": "payments"])
        let logged = entries.withLock { $0 }
        #expect(logged.count == 1)
        let entry = logged[0]
        #expect(entry.priority == .warning)
        #expect(entry.message == "ISR shrank")
        let fields = Dictionary(entry.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(fields["SLUICE_TOPIC"] == "payments", "call-site metadata overrides the logger's")
        #expect(fields["SLUICE_PARTITION"] == "3")
        #expect(fields["SLUICE_LABEL"] == "sluice.broker")
        #expect(fields["CODE_FILE"]?.hasSuffix("JournalLogHandlerTests.swift") == true)
        #expect(fields["CODE_LINE"].flatMap { Int($0) } != nil)
        #expect(fields["CODE_FUNC"]?.contains("logCallsBecomeEntriesWithMetadataAndCodeLocation") == true)
        let journal = entry.journalFields(identifier: sink.identifier)
        #expect(journal.contains("PRIORITY=4"))
        #expect(journal.contains("SYSLOG_IDENTIFIER=sluiced"))
        #expect(journal.contains("MESSAGE=ISR shrank"))
        let line = entry.stderrLine(identifier: sink.identifier, timestamp: "T")
        #expect(
            line.hasPrefix("T sluiced warning SLUICE_PARTITION=3 SLUICE_TOPIC=payments SLUICE_LABEL=sluice.broker "))
        #expect(line.hasSuffix(" MESSAGE=\"ISR shrank\""))
    }

    @Test func handlerMetadataIsAValue() {
        let sink = LogSink(target: .stderr)
        var first = JournalLogHandler(label: "a", sink: sink)
        var second = first
        first[metadataKey: "k"] = "1"
        second.logLevel = .error
        #expect(second[metadataKey: "k"] == nil)
        #expect(first.logLevel == .info)
    }
}
