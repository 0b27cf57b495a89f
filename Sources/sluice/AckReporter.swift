import SluiceProducer
import SluiceWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `sluice produce --report-acks`: one JSON line per record on stdout once it is acknowledged or has failed for
/// good, in the shape of Kafka's VerifiableProducer, so a checker can compare what was acknowledged with what a
/// consumer reads:
///
///     {"name":"producer_send_success","key":"k","value":"v","topic":"orders","partition":2,"offset":41}
///     {"name":"producer_send_error","key":null,"value":"v","topic":"orders","error":"NOT_ENOUGH_REPLICAS","message":"…"}
///
/// Keys and values are the input's text (invalid UTF-8 replaced), `null` for a record without a key. Lines are
/// written whole with one write(2) each, under a lock (completions run on the producer's threads). This mode
/// copies each record's key and value for its report: a verification tool, not the fast path.
final class AckReporter: Sendable {
    private let counts = Mutex<(acknowledged: Int, failed: Int)>((0, 0))
    let topic: String

    init(topic: String) { self.topic = topic }

    /// Records acknowledged and failed so far.
    var acknowledged: Int { counts.withLock { $0.acknowledged } }
    var failed: Int { counts.withLock { $0.failed } }

    /// The completion of one record whose key and value were `key` and `value`.
    func completion(key: String?, value: String) -> @Sendable (Result<RecordMetadata, ProducerError>) -> Void {
        { [self] result in report(result, key: key, value: value) }
    }

    private func report(_ result: Result<RecordMetadata, ProducerError>, key: String?, value: String) {
        let line = Self.line(result, topic: topic, key: key, value: value)
        counts.withLock { counts in
            if case .success = result { counts.acknowledged += 1 } else { counts.failed += 1 }
            // Inside the lock: lines never interleave.
            var bytes = Array(line.utf8)
            bytes.append(UInt8(ascii: "\n"))
            try? FileDescriptorWriter.writeAll(bytes, to: STDOUT_FILENO)
        }
    }

    /// The JSON object of one report (pure).
    static func line(_ result: Result<RecordMetadata, ProducerError>, topic: String, key: String?, value: String) -> String {
        let keyJSON = key.map(json) ?? "null"
        switch result {
        case .success(let metadata):
            return #"{"name":"producer_send_success","key":\#(keyJSON),"value":\#(json(value)),"#
                + #""topic":\#(json(metadata.topic)),"partition":\#(metadata.partition),"offset":\#(metadata.offset)}"#
        case .failure(let error):
            return #"{"name":"producer_send_error","key":\#(keyJSON),"value":\#(json(value)),"topic":\#(json(topic)),"#
                + #""error":\#(json(error.metricLabel)),"message":\#(json(error.description))}"#
        }
    }

    /// `text` as a JSON string literal.
    static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
