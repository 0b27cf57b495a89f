import Glibc
import Testing

@testable import SluiceObservability

@Suite struct StderrLineTests {
    @Test func plainTokensStayUnquoted() {
        #expect(JournalEntry.quotedIfNeeded("orders") == "orders")
        #expect(
            JournalEntry.quotedIfNeeded("PLAINTEXT://0.0.0.0:9092,HTTP://[::1]:9192")
                == "PLAINTEXT://0.0.0.0:9092,HTTP://[::1]:9192")
    }

    @Test func valuesWithSpacesQuotesOrControlCharactersAreQuotedAndEscaped() {
        #expect(JournalEntry.quotedIfNeeded("two words") == "\"two words\"")
        #expect(JournalEntry.quotedIfNeeded("") == "\"\"")
        #expect(JournalEntry.quotedIfNeeded("a=b") == "\"a=b\"")
        #expect(JournalEntry.quotedIfNeeded("say \"hi\"") == "\"say \\\"hi\\\"\"")
        #expect(JournalEntry.quotedIfNeeded("back\\slash") == "\"back\\\\slash\"")
        #expect(JournalEntry.quotedIfNeeded("line\nbreak\ttab") == "\"line\\nbreak\\ttab\"")
        #expect(JournalEntry.quotedIfNeeded("bell\u{07}") == "\"bell\\x07\"")
        #expect(JournalEntry.quotedIfNeeded("tópico") == "tópico")
    }

    @Test func multiLineMessagesStayOnOneLine() {
        let entry = JournalEntry(priority: .warning, message: "first\nsecond", fields: [("SLUICE_TOPIC", "a b")])
        let line = entry.stderrLine(identifier: "sluiced", timestamp: "T")
        #expect(line == "T sluiced warning SLUICE_TOPIC=\"a b\" MESSAGE=\"first\\nsecond\"")
    }

    @Test func timestampsAreISO8601UTCWithMilliseconds() {
        #expect(UTCTimestamp.format(secondsSinceEpoch: 0, nanoseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(
            UTCTimestamp.format(secondsSinceEpoch: 951_782_400, nanoseconds: 5_000_000) == "2000-02-29T00:00:00.005Z")
        #expect(
            UTCTimestamp.format(secondsSinceEpoch: 1_795_251_845, nanoseconds: 123_999_999)
                == "2026-11-21T09:04:05.123Z")
        #expect(UTCTimestamp.format(secondsSinceEpoch: -1, nanoseconds: 0) == "1969-12-31T23:59:59.000Z")
        #expect(
            UTCTimestamp.format(secondsSinceEpoch: 4_102_444_799, nanoseconds: 999_000_000)
                == "2099-12-31T23:59:59.999Z")
    }

    @Test func timestampsAgreeWithTheCLibrary() {
        // Every 7,919,777 s (about 92 days, coprime with days and years) across 1970–2100.
        var seconds: Int64 = 0
        while seconds < 4_102_444_800 {
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            let expected =
                "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
                + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)).000Z"
            #expect(UTCTimestamp.format(secondsSinceEpoch: seconds, nanoseconds: 0) == expected)
            seconds += 7_919_777
        }
    }

    @Test func writeAllDeliversTheWholeLineToTheDescriptor() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer {
            close(descriptors[0])
        }
        let line = Array("2026-11-21T09:04:05.123Z sluiced info MESSAGE=\"hello there\"\n".utf8)
        LogSink.writeAll(line, to: descriptors[1])
        close(descriptors[1])
        var received = [UInt8](repeating: 0, count: 256)
        let count = received.withUnsafeMutableBytes { read(descriptors[0], $0.baseAddress!, 256) }
        #expect(count == line.count)
        #expect(Array(received.prefix(count)) == line)
    }

    private func pad(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
