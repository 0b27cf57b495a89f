import Foundation
import Testing

@testable import SluiceBroker

@Suite struct ProcessMetricsTests {
    @Test func statParsingCountsFieldsAfterTheLastParenthesis() {
        let fields4to21 = (4...21).map { n -> String in
            switch n {
            case 14: return "250"
            case 15: return "50"
            default: return "0"
            }
        }
        let text = "4242 (sluiced (a) b) S " + fields4to21.joined(separator: " ") + " 123456 999 1000\n"
        let stat = ProcessStatistics.parseStat(text)
        #expect(stat == ProcessStatistics.Stat(userTicks: 250, systemTicks: 50, startTicks: 123_456))
    }

    @Test func malformedProcFilesParseToNil() {
        #expect(ProcessStatistics.parseStat("") == nil)
        #expect(ProcessStatistics.parseStat("1 (x) S 1 2 3") == nil)
        #expect(ProcessStatistics.parseStat("no parenthesis at all") == nil)
        #expect(ProcessStatistics.parseResidentPages(statm: "12") == nil)
        #expect(ProcessStatistics.parseResidentPages(statm: "12 abc 3") == nil)
        #expect(ProcessStatistics.parseBootTime(procStat: "cpu 1 2 3\nintr 5\n") == nil)
    }

    @Test func statmAndBootTimeParse() {
        #expect(ProcessStatistics.parseResidentPages(statm: "5000 1234 300 10 0 900 0\n") == 1_234)
        #expect(
            ProcessStatistics.parseBootTime(procStat: "cpu  1 2 3\nintr 5 6\nbtime 1763700000\nprocesses 9\n")
                == 1_763_700_000)
    }

    @Test func thisProcessReportsPlausibleValues() throws {
        let metrics = BrokerMetrics(version: "test")
        Self.burnCPUUntilTheKernelCountsIt()
        let text = metrics.emit()
        let values = Self.samples(text)
        let now = Date().timeIntervalSince1970
        let start = try #require(values["process_start_time_seconds"])
        #expect(start > now - 86_400 * 30 && start <= now + 1)
        #expect(try #require(values["process_resident_memory_bytes"]) > 1_000_000)
        #expect(try #require(values["process_open_fds"]) >= 3)
        #expect(try #require(values["process_cpu_seconds_total"]) > 0)
    }

    @Test func openDescriptorCountFollowsOpenFiles() throws {
        let metrics = BrokerMetrics(version: "test")
        let before = try #require(Self.samples(metrics.emit())["process_open_fds"])
        let handles = (0..<20).compactMap { _ in FileHandle(forReadingAtPath: "/dev/null") }
        defer { handles.forEach { try? $0.close() } }
        let after = try #require(Self.samples(metrics.emit())["process_open_fds"])
        // Other tests open and close files concurrently: allow slack, but 20 new descriptors must show.
        #expect(after >= before + 10)
    }

    /// Spins until `/proc/self/stat` shows at least two clock ticks more CPU time than at the start (at most
    /// about two seconds of wall time), so the CPU counter has something to count.
    static func burnCPUUntilTheKernelCountsIt() {
        func ticks() -> UInt64 {
            guard let text = ProcFile.read("/proc/self/stat"), let stat = ProcessStatistics.parseStat(text) else {
                return 0
            }
            return stat.userTicks + stat.systemTicks
        }
        let start = ticks()
        let deadline = ContinuousClock.now + .seconds(2)
        var spin: UInt64 = 0
        while ticks() < start + 2 && ContinuousClock.now < deadline {
            for value in 0..<100_000 { spin &+= UInt64(value) &* 2_654_435_761 }
        }
        #expect(spin != 1)
    }

    /// Unlabelled samples of an exposition, by name.
    static func samples(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.contains("{") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) {
                values[String(parts[0])] = value
            }
        }
        return values
    }
}
