import NIOCore
import SluiceKafka
import SluiceWire

#if canImport(Glibc)
    import Glibc
#endif

/// Every decoder that reads bytes from the network or the disk, fed one input: a Kafka request (header, then
/// the body decoder of each served version of its API), a native request frame (the hand-written fast path and
/// protobuf-c), record batch validation and reading (native and Kafka, every codec's decompression), Kafka's
/// produce rules and a consumer-protocol assignment. Any crash, trap or sanitizer report is a bug; thrown errors
/// are the expected answer to bad bytes.
enum FuzzTarget {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        let buffer = ByteBuffer(bytes: bytes)
        kafkaRequest(buffer)
        _ = try? WireCodec.decodeRequest(buffer)
        _ = try? WireCodec.decodeRequestWithProtobufC(buffer)
        _ = RecordBatchHeader.validate(bytes)
        _ = try? RecordBatchReader.records(in: bytes)
        _ = try? RecordBatchReader.forEachRecord(in: bytes) { _ in }
        _ = KafkaProduce.validate(buffer)
        _ = KafkaConsumerProtocol.assignedPartitions(buffer)
        for codec in BatchCompression.Codec.allCases where codec != .none {
            _ = try? BatchCompression.decompress(bytes, codec: codec, limitBytes: 1 << 20)
        }
    }

    private static func kafkaRequest(_ frame: ByteBuffer) {
        guard let request = try? KafkaRequest(frame: frame), let api = request.apiKey else { return }
        for version in api.servedVersions {
            var body = request.body
            decode(api, version: version, &body)
        }
    }

    private static func decode(_ api: KafkaApiKey, version: Int16, _ body: inout KafkaReader) {
        switch api {
        case .produce: _ = try? KafkaProduce.decodeRequest(&body, version: version)
        case .fetch: _ = try? KafkaFetch.decodeRequest(&body, version: version)
        case .listOffsets: _ = try? KafkaListOffsets.decodeRequest(&body, version: version)
        case .metadata: _ = try? KafkaMetadata.decodeRequest(&body, version: version)
        case .offsetCommit: _ = try? KafkaOffsetCommit.decodeRequest(&body, version: version)
        case .offsetFetch: _ = try? KafkaOffsetFetch.decodeRequest(&body, version: version)
        case .findCoordinator: _ = try? KafkaFindCoordinator.decodeRequest(&body, version: version)
        case .joinGroup: _ = try? KafkaJoinGroup.decodeRequest(&body, version: version)
        case .heartbeat: _ = try? KafkaHeartbeat.decodeRequest(&body, version: version)
        case .leaveGroup: _ = try? KafkaLeaveGroup.decodeRequest(&body, version: version)
        case .syncGroup: _ = try? KafkaSyncGroup.decodeRequest(&body, version: version)
        case .describeGroups: _ = try? KafkaDescribeGroups.decodeRequest(&body, version: version)
        case .listGroups, .apiVersions: break  // no body to decode
        case .createTopics: _ = try? KafkaCreateTopics.decodeRequest(&body, version: version)
        case .deleteTopics: _ = try? KafkaDeleteTopics.decodeRequest(&body, version: version)
        case .initProducerId: _ = try? KafkaInitProducerId.decodeRequest(&body, version: version)
        case .offsetForLeaderEpoch: _ = try? KafkaOffsetForLeaderEpoch.decodeRequest(&body, version: version)
        case .describeConfigs: _ = try? KafkaDescribeConfigs.decodeRequest(&body, version: version)
        }
    }
}

/// libFuzzer's entry point (a fuzzing build links libFuzzer, which calls it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTarget.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

#if FUZZING
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32
#endif

/// `sluice-fuzz`. Built by `scripts/fuzz` with `-sanitize=fuzzer,address -DFUZZING`, it is libFuzzer (its flags and
/// corpus directories as arguments). In an ordinary build it replays the files or directories given, one input
/// each, through the same decoders: the regression run `scripts/test` makes over the committed seed corpus.
@main
struct SluiceFuzz {
    static func main() {
        #if FUZZING
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
        #else
            var inputs = 0
            for path in CommandLine.arguments.dropFirst() {
                for file in files(at: path) {
                    guard let bytes = read(file) else {
                        print("sluice-fuzz: cannot read \(file)")
                        exit(1)
                    }
                    bytes.withUnsafeBytes { FuzzTarget.run($0) }
                    inputs += 1
                }
            }
            print("sluice-fuzz: replayed \(inputs) input(s) through every decoder, no crash")
        #endif
    }

    /// `path` itself, or the regular files directly in it when it is a directory.
    static func files(at path: String) -> [String] {
        guard let directory = opendir(path) else { return [path] }
        defer { closedir(directory) }
        var found: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != "..", entry.pointee.d_type == UInt8(DT_REG) { found.append(path + "/" + name) }
        }
        return found.sorted()
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes += chunk.prefix(count)
        }
        return bytes
    }
}
