import Foundation
import Prometheus
import SluiceProducer
import Synchronization

/// `produce-lines --topic T [--bootstrap-server host:port] [--acks 0|1|all] [--metrics] [LINE…]`: produces
/// each LINE (or, with none given, each line of standard input) as one record's value to topic T, then
/// prints `topic-partition@offset` for every record in input order. `--metrics` also prints the producer's
/// series, kept on this application's own Prometheus registry, to standard error.
@main
struct ProduceLines {
    struct Options {
        var topic = ""
        var bootstrapServer = "127.0.0.1:9092"
        var acks = "all"
        var printsMetrics = false
        var lines: [String] = []
    }

    static let usage =
        "usage: produce-lines --topic T [--bootstrap-server host:port] [--acks 0|1|all] [--metrics] [LINE…]\n"

    static func main() async {
        guard let options = parse(Array(CommandLine.arguments.dropFirst())) else {
            FileHandle.standardError.write(Data(Self.usage.utf8))
            exit(64)
        }
        let lines = options.lines.isEmpty ? Array(sequence(state: ()) { _ in readLine() }) : options.lines
        let registry = PrometheusCollectorRegistry()
        let producer: Producer<[UInt8], [UInt8]>
        do {
            producer = try Producer(
                config: ["bootstrap.servers": options.bootstrapServer, "acks": options.acks, "linger.ms": "5"],
                metrics: ProducerMetrics(registry: registry))
        } catch {
            FileHandle.standardError.write(Data("produce-lines: \(error)\n".utf8))
            exit(78)
        }
        let outcomes = Mutex([Result<RecordMetadata, ProducerError>?](repeating: nil, count: lines.count))
        let records = lines.map { ProducerRecord<[UInt8], [UInt8]>(topic: options.topic, value: Array($0.utf8)) }
        await producer.send(contentsOf: records) { position, result in
            outcomes.withLock { $0[position] = result }
        }
        await producer.flush()
        await producer.close()
        var failures = 0
        for outcome in outcomes.withLock({ $0 }) {
            switch outcome {
            case .success(let metadata): print("\(metadata.topic)-\(metadata.partition)@\(metadata.offset)")
            case .failure(let error): failures += 1; print("error: \(error)")
            case nil: failures += 1; print("error: no outcome")
            }
        }
        if options.printsMetrics {
            FileHandle.standardError.write(Data(registry.emitToString().utf8))
        }
        exit(failures == 0 ? 0 : 1)
    }

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--topic": options.topic = remaining.popFirst() ?? ""
            case "--bootstrap-server": options.bootstrapServer = remaining.popFirst() ?? ""
            case "--acks": options.acks = remaining.popFirst() ?? ""
            case "--metrics": options.printsMetrics = true
            case "--": options.lines += remaining; remaining = []
            default: options.lines.append(argument)
            }
        }
        return options.topic.isEmpty || options.bootstrapServer.isEmpty ? nil : options
    }
}
