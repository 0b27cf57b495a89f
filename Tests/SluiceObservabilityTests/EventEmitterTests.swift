import Synchronization
import Testing

@testable import SluiceObservability

@Suite struct EventEmitterTests {
    /// Collects what an emitter sends instead of writing it anywhere.
    final class Recorder: Sendable {
        let entries = Mutex<[JournalEntry]>([])
        var sink: LogSink {
            LogSink(identifier: "sluiced") { entry in self.entries.withLock { $0.append(entry) } }
        }
        var all: [JournalEntry] { entries.withLock { $0 } }
    }

    /// Calls every emitter method once; returns the kinds in call order.
    @discardableResult
    private func emitOneOfEach(_ emitter: EventEmitter, acked: Int64 = 0, election: LeaderElectionType = .clean)
        -> [EventKind]
    {
        emitter.brokerReady(
            brokerId: 1, listeners: ["PLAINTEXT://0.0.0.0:9092", "HTTP://0.0.0.0:9192"], metadataStore: "embedded")
        emitter.brokerStopping(brokerId: 1, reason: "SIGTERM received")
        emitter.brokerRegistered(brokerId: 2)
        emitter.brokerLost(brokerId: 2, leaseId: 7_587_882_312_345)
        emitter.controllerElected(brokerId: 1, controllerEpoch: 42, previousController: nil)
        emitter.controllerResigned(brokerId: 1, controllerEpoch: 42, reason: "lease lost")
        emitter.leaderElected(
            topic: "orders", partition: 3, leader: 2, previousLeader: 1, leaderEpoch: 5, isr: [2, 3],
            election: election, duration: .milliseconds(1_250)
        )
        emitter.partitionOffline(topic: "orders", partition: 3, replicas: [1, 2, 3], reason: "no live ISR member")
        emitter.isrShrink(
            topic: "orders", partition: 3, replica: 3, isrBefore: [1, 2, 3], isrAfter: [1, 2], lagRecords: 1_200,
            lagMs: 30_000
        )
        emitter.isrExpand(topic: "orders", partition: 3, replica: 3, isrBefore: [1, 2], isrAfter: [1, 2, 3])
        emitter.underMinISR(topic: "orders", partition: 3, isr: [1], minInsyncReplicas: 2)
        emitter.logTruncated(
            topic: "orders", partition: 3, fromOffset: 120, toOffset: 100, records: 20, ackedRecords: acked,
            leaderEpoch: 5
        )
        emitter.logRecovered(topic: "orders", partition: 3, segments: 4, truncatedBytes: 0)
        emitter.producerFenced(producerId: 4_000, producerEpoch: 2, topic: "orders", partition: 3)
        emitter.configError(key: "log.dirs", value: "", problem: "must name at least one directory")
        emitter.brokerSessionLost(brokerId: 2, leaseId: 7_587_000, rolesDropped: 4)
        emitter.metadataStoreUnavailable(endpoints: "127.0.0.1:2379", error: "connection refused")
        emitter.groupRebalanced(group: "billing", generation: 3, members: 2, reason: "member_joined")
        emitter.groupEmpty(group: "billing")
        return EventKind.allCases
    }

    @Test func everyEventKindHasAnEmitterMethodWithItsCatalogFields() {
        let recorder = Recorder()
        emitOneOfEach(EventEmitter(sink: recorder.sink))
        let entries = recorder.all
        #expect(entries.count == EventKind.allCases.count)
        for (entry, kind) in zip(entries, EventKind.allCases) {
            #expect(entry.fields.map(\.name) == ["SLUICE_EVENT", "MESSAGE_ID"] + kind.fieldNames)
            #expect(entry.fields[0].value == kind.rawValue)
            #expect(entry.fields[1].value == kind.messageID)
            #expect(entry.message.hasSuffix("."), "\(kind.rawValue): a message is a sentence")
        }
    }

    @Test func stderrLineCarriesEventIdAndEveryField() {
        let recorder = Recorder()
        emitOneOfEach(EventEmitter(sink: recorder.sink))
        for (entry, kind) in zip(recorder.all, EventKind.allCases) {
            let line = entry.stderrLine(identifier: "sluiced", timestamp: "2026-11-21T09:04:05.123Z")
            #expect(line.hasPrefix("2026-11-21T09:04:05.123Z sluiced \(kind.defaultPriority.keyword) "))
            #expect(line.contains(" SLUICE_EVENT=\(kind.rawValue) MESSAGE_ID=\(kind.messageID) "))
            for name in kind.fieldNames {
                #expect(line.contains(" \(name)="), "\(kind.rawValue) line lacks \(name)")
            }
            #expect(line.contains(" MESSAGE=\""))
            #expect(!line.contains("\n"))
        }
    }

    @Test func brokerReadyLineIsExact() {
        let recorder = Recorder()
        EventEmitter(sink: recorder.sink).brokerReady(
            brokerId: 1, listeners: ["PLAINTEXT://0.0.0.0:9092"], metadataStore: "embedded")
        let line = recorder.all[0].stderrLine(identifier: "sluiced", timestamp: "T")
        #expect(
            line == "T sluiced info SLUICE_EVENT=broker_ready MESSAGE_ID=a0dd1f2a99544acda1dedae2e790abab BROKER_ID=1 "
                + "LISTENERS=PLAINTEXT://0.0.0.0:9092 METADATA_STORE=embedded "
                + "MESSAGE=\"Broker 1 is ready: listening on PLAINTEXT://0.0.0.0:9092, metadata store embedded.\""
        )
    }

    @Test func journalFieldsCarryPriorityIdentifierAndMessage() {
        let recorder = Recorder()
        EventEmitter(sink: recorder.sink).configError(key: "acks", value: "2", problem: "allowed: 0, 1, all, -1")
        let fields = recorder.all[0].journalFields(identifier: "sluiced-test")
        #expect(fields.contains("PRIORITY=3"))
        #expect(fields.contains("SYSLOG_IDENTIFIER=sluiced-test"))
        #expect(fields.contains("MESSAGE=Configuration key acks has a bad value '2': allowed: 0, 1, all, -1."))
        #expect(fields.contains("SLUICE_EVENT=config_error"))
        #expect(fields.contains("MESSAGE_ID=9e4253bb25b84cf08e62e15c83e32e2b"))
        #expect(fields.contains("KEY=acks"))
        #expect(fields.contains("VALUE=2"))
        for field in fields {
            let name = String(field.prefix { $0 != "=" })
            #expect(JournalEntry.isValidFieldName(name), "\(name) is not a valid journal field name")
        }
    }

    @Test func priorityFollowsTheCatalogue() {
        let recorder = Recorder()
        emitOneOfEach(EventEmitter(sink: recorder.sink))
        let priorities = Dictionary(uniqueKeysWithValues: zip(EventKind.allCases, recorder.all.map(\.priority)))
        #expect(priorities[.brokerReady] == .info)
        #expect(priorities[.brokerStopping] == .notice)
        #expect(priorities[.brokerLost] == .warning)
        #expect(priorities[.leaderElected] == .notice)
        #expect(priorities[.partitionOffline] == .error)
        #expect(priorities[.isrShrink] == .warning)
        #expect(priorities[.underMinISR] == .error)
        #expect(priorities[.logTruncated] == .warning)
        #expect(priorities[.configError] == .error)
    }

    @Test func uncleanElectionAndAcknowledgedLossRaiseThePriority() {
        let recorder = Recorder()
        emitOneOfEach(EventEmitter(sink: recorder.sink), acked: 5, election: .unclean)
        let byKind = Dictionary(uniqueKeysWithValues: zip(EventKind.allCases, recorder.all))
        #expect(byKind[.leaderElected]?.priority == .warning)
        #expect(byKind[.leaderElected]?.message.contains("Acknowledged records may be lost") == true)
        #expect(byKind[.logTruncated]?.priority == .error)
        #expect(byKind[.logTruncated]?.fields.contains { $0 == ("ACKED_RECORDS", "5") } == true)
    }

    @Test func absentPreviousLeaderAndControllerAreMinusOne() {
        let recorder = Recorder()
        let emitter = EventEmitter(sink: recorder.sink)
        emitter.controllerElected(brokerId: 3, controllerEpoch: 9, previousController: nil)
        emitter.leaderElected(
            topic: "t", partition: 0, leader: 3, previousLeader: nil, leaderEpoch: 0, isr: [3], election: .clean,
            duration: .zero
        )
        #expect(recorder.all[0].fields.contains { $0 == ("PREVIOUS_CONTROLLER", "-1") })
        #expect(recorder.all[1].fields.contains { $0 == ("PREVIOUS_LEADER", "-1") })
        #expect(recorder.all[1].fields.contains { $0 == ("DURATION_MS", "0") })
    }

    @Test func listsAreCommaSeparatedAndDurationsWholeMilliseconds() {
        #expect(EventEmitter.list([1, 2, 3]) == "1,2,3")
        #expect(EventEmitter.list([]) == "")
        #expect(EventEmitter.listForMessage([]) == "none")
        #expect(EventEmitter.milliseconds(.microseconds(2_999)) == 2)
        #expect(EventEmitter.milliseconds(.seconds(-1)) == 0)
    }
}
