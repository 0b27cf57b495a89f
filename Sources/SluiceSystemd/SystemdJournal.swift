import CSystemd
import Glibc
import SluiceObservability

/// The daemon's journal writer: each entry is one `sd_journal_sendv` call to journald's native socket, so
/// every `SLUICE_*` field stays separately queryable. Lives here, not in SluiceObservability, so that the
/// client and producer libraries link no libsystemd.
public struct SystemdJournal: JournalWriter {
    /// A writer; stateless, safe from any thread.
    public init() {}

    /// Sends `fields` as one entry; false when journald refused it (the sink then falls back to stderr).
    public func send(fields: [String]) -> Bool {
        precondition(!fields.isEmpty, "journal entry without fields")
        // All fields in one buffer; the iovecs point into it and live only inside this synchronous scope.
        var buffer: [UInt8] = []
        buffer.reserveCapacity(fields.reduce(0) { $0 + $1.utf8.count })
        var spans: [(start: Int, count: Int)] = []
        spans.reserveCapacity(fields.count)
        for field in fields {
            spans.append((buffer.count, field.utf8.count))
            buffer.append(contentsOf: field.utf8)
        }
        let result = buffer.withUnsafeMutableBytes { bytes -> Int32 in
            withUnsafeTemporaryAllocation(of: iovec.self, capacity: spans.count) { vectors -> Int32 in
                for (index, span) in spans.enumerated() {
                    vectors.initializeElement(
                        at: index, to: iovec(iov_base: bytes.baseAddress! + span.start, iov_len: span.count))
                }
                return sd_journal_sendv(vectors.baseAddress!, Int32(spans.count))
            }
        }
        return result >= 0
    }
}

extension LogSink {
    /// The daemon's sink: the journal when its socket exists (or `SLUICE_LOG_TARGET=journal`), else standard
    /// error (``LogTarget/detect()``), identifier `sluiced`.
    public static let daemon = LogSink(target: LogTarget.detect(), identifier: "sluiced", journal: SystemdJournal())
}
