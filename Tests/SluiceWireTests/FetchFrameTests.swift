import Foundation
import NIOCore
import NIOEmbedded
import SluiceWire
import Testing

/// A temporary file holding `bytes`, as a segment would: an `OpenFile` that closes its descriptor in deinit.
final class TemporaryFile: OpenFile {
    let descriptor: Int32
    let path: String

    init(_ bytes: [UInt8]) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-fetch-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        try #require(descriptor >= 0)
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}

/// `fetchResponseFrameParts` writes exactly the frame protobuf-c writes for the same data (length prefix
/// included), protobuf-c decodes it to the response the old encoder produced, and `FramePartWriter` hands
/// file ranges to the channel as `FileRegion`s on descriptors of their own, closed once written.
@Suite struct FetchFrameTests {
    static func randomFetch(_ random: inout SplitMix64) -> Response {
        let codes: [ErrorCode] = [.none, .none, .none, .offsetOutOfRange, .unknownServerError, .fencedLeaderEpoch]
        let topics = (0..<random.below(4)).map { topicIndex in
            FetchTopicResponse(
                name: ["", "orders", "tópico-\(topicIndex)", "cut\u{0}here"][random.below(4)],
                partitions: (0..<random.below(5)).map { _ in
                    let code = codes[random.below(codes.count)]
                    return FetchPartitionResponse(
                        partition: Int32(random.below(40)) - 3, errorCode: code,
                        highWatermark: Int64(random.below(1 << 40)) - 2, logStartOffset: Int64(random.below(3)) - 1,
                        logEndOffset: Int64(truncatingIfNeeded: random.next()),
                        records: code == .none && random.below(4) > 0
                            ? Fixtures.twoBatches(prefix: "p\(random.below(9))") : ByteBuffer())
                })
        }
        return Response(
            correlationId: [0, 7, -1, Int32.max][random.below(4)], errorCode: random.below(5) == 0 ? .invalidRequest : .none,
            errorMessage: random.below(3) == 0 ? "partial ✓" : "", body: .fetch(FetchResponse(topics: topics)))
    }

    static func oldFrame(_ response: Response) -> [UInt8] {
        var framed = ByteBuffer()
        FrameDecoder.writeFrame(WireCodec.encode(response), to: &framed)
        return Array(framed.readableBytesView)
    }

    static func parts(_ response: Response) -> [FramePart] {
        guard case .fetch(let fetch) = response.body else { return [] }
        return WireCodec.fetchResponseFrameParts(response, fetch: fetch, allocator: ByteBufferAllocator())
    }

    static func joined(_ parts: [FramePart]) throws -> [UInt8] {
        try parts.flatMap { part -> [UInt8] in
            switch part {
            case .bytes(let buffer): Array(buffer.readableBytesView)
            case .file(let range): Array(try range.readBytes().readableBytesView)
            }
        }
    }

    /// The same response with every partition's records moved into a file (one file for all, at offsets).
    static func fileBacked(_ response: Response) throws -> (Response, TemporaryFile) {
        guard case .fetch(var fetch) = response.body else { preconditionFailure("a fetch") }
        var contents: [UInt8] = [0xEE, 0xEE]  // ranges never start at 0
        var placed: [(Int64, Int)] = []
        for topic in fetch.topics {
            for partition in topic.partitions {
                placed.append((Int64(contents.count), partition.records.readableBytes))
                contents += partition.records.readableBytesView
            }
        }
        let file = try TemporaryFile(contents)
        var index = 0
        for topicIndex in fetch.topics.indices {
            for partitionIndex in fetch.topics[topicIndex].partitions.indices {
                let (position, count) = placed[index]
                index += 1
                guard count > 0 else { continue }
                fetch.topics[topicIndex].partitions[partitionIndex].records = ByteBuffer()
                fetch.topics[topicIndex].partitions[partitionIndex].fileRecords = FileRange(
                    file: file, position: position, count: count)
            }
        }
        var copy = response
        copy.body = .fetch(fetch)
        return (copy, file)
    }

    @Test func partsAreProtobufCsFrameByteForByte() throws {
        var random = SplitMix64(seed: 0xFE7C_4F4A)
        for round in 0..<300 {
            let response = Self.randomFetch(&random)
            #expect(try Self.joined(Self.parts(response)) == Self.oldFrame(response), "round \(round)")
        }
    }

    @Test func fileBackedPartsDecodeWithProtobufCToWhatTheOldEncoderProduced() throws {
        var random = SplitMix64(seed: 0x0F11_E5E7)
        for round in 0..<100 {
            let response = Self.randomFetch(&random)
            let (fileBacked, file) = try Self.fileBacked(response)
            let frame = try Self.joined(Self.parts(fileBacked))
            #expect(frame == Self.oldFrame(response), "round \(round)")
            // The old encoder reads file-backed records into the frame: the same bytes again.
            #expect(Self.oldFrame(fileBacked) == Self.oldFrame(response), "round \(round)")
            let decoded = try WireCodec.decodeResponse(ByteBuffer(bytes: frame.dropFirst(4)))
            #expect(decoded.correlationId == response.correlationId)
            #expect(decoded.errorCode == response.errorCode)
            #expect(decoded.errorMessage == response.errorMessage)
            guard case .fetch(let got) = decoded.body, case .fetch(let wanted) = response.body else {
                Issue.record("round \(round): not a fetch body")
                continue
            }
            expectSame(got, FetchResponse(topics: wanted.topics.map { topic in
                // protobuf-c cuts a string at its first NUL.
                FetchTopicResponse(name: String(topic.name.prefix { $0 != "\u{0}" }), partitions: topic.partitions)
            }))
            withExtendedLifetime(file) {}
        }
    }

    @Test func recordsGoOutAsTheirOwnPartsAfterTheirPartitionsSmallFields() throws {
        let batch = Fixtures.twoBatches(prefix: "x")
        let file = try TemporaryFile(Array(batch.readableBytesView))
        let response = Response(
            correlationId: 3,
            body: .fetch(
                FetchResponse(topics: [
                    FetchTopicResponse(
                        name: "t",
                        partitions: [
                            FetchPartitionResponse(
                                partition: 0, highWatermark: 9, logStartOffset: 0, logEndOffset: 9,
                                fileRecords: FileRange(file: file, position: 0, count: batch.readableBytes)),
                            FetchPartitionResponse(partition: 1, errorCode: .notLeaderOrFollower),
                        ])
                ])))
        let parts = Self.parts(response)
        #expect(parts.count == 3)
        guard case .file(let range) = parts[1] else {
            Issue.record("the second part is the file range, got \(parts[1])")
            return
        }
        #expect(range.file === file && range.position == 0 && range.count == batch.readableBytes)
    }

    @Test func writerSendsRangesAsFileRegionsOnDescriptorsItClosesOnceWritten() throws {
        let file = try TemporaryFile(Array(repeating: 0x41, count: 4096))
        let channel = EmbeddedChannel(handler: FramePartWriter())
        let head = ByteBuffer(bytes: [1, 2, 3])
        let written = channel.write(
            [FramePart.bytes(head), .file(FileRange(file: file, position: 100, count: 1000)), .bytes(head)])
        channel.flush()
        guard case .byteBuffer(let first) = try channel.readOutbound(as: IOData.self),
            case .fileRegion(let region) = try channel.readOutbound(as: IOData.self),
            case .byteBuffer = try channel.readOutbound(as: IOData.self)
        else {
            Issue.record("expected bytes, a file region, bytes")
            return
        }
        #expect(first == head)
        #expect(region.readerIndex == 100 && region.endIndex == 1100)
        try written.wait()
        // The region's own descriptor is closed once written; the file's stays open.
        #expect(!region.fileHandle.isOpen)
        #expect(fcntl(file.descriptor, F_GETFD) >= 0)
        _ = try channel.finish()
    }

    @Test func writerRefusesARangePastTheFilesEndAndClosesTheConnection() throws {
        let file = try TemporaryFile(Array(repeating: 0x41, count: 500))
        let channel = EmbeddedChannel(handler: FramePartWriter())
        let written = channel.write([FramePart.bytes(ByteBuffer(bytes: [1])), .file(FileRange(file: file, position: 0, count: 501))])
        channel.flush()
        #expect(throws: FileRangeError.self) { try written.wait() }
        #expect(!channel.isActive)
        #expect(fcntl(file.descriptor, F_GETFD) >= 0)
    }

    /// The fast path decodes what protobuf-c decodes, with batches sliced from the frame; on a damaged frame it
    /// either gives up (nil) or agrees with protobuf-c.
    @Test func fastPathDecodesWhatProtobufCDecodes() throws {
        var random = SplitMix64(seed: 0xFA57_FE7C)
        var mutatedTaken = 0
        for round in 0..<400 {
            let body = WireCodec.encode(Self.randomFetch(&random))
            var candidates = [body]
            for _ in 0..<3 where body.readableBytes > 0 {
                var mutated = body
                mutated.setInteger(UInt8(truncatingIfNeeded: random.next()), at: random.below(body.readableBytes))
                candidates.append(mutated)
            }
            for (index, candidate) in candidates.enumerated() {
                guard let fast = WireCodec.decodeFetchResponseFastPath(candidate) else {
                    #expect(index > 0 || body.readableBytes == 0, "round \(round): a canonical frame is taken")
                    continue
                }
                if index > 0 { mutatedTaken += 1 }
                let slow = try WireCodec.decodeResponseWithProtobufC(candidate)
                #expect(fast.correlationId == slow.correlationId && fast.errorCode == slow.errorCode)
                #expect(fast.errorMessage == slow.errorMessage)
                guard case .fetch(let lhs) = fast.body, case .fetch(let rhs) = slow.body else {
                    Issue.record("round \(round): protobuf-c decoded another body")
                    continue
                }
                expectSame(lhs, rhs)
            }
        }
        #expect(mutatedTaken > 0, "some damaged frames are still canonical fetch frames")
    }

    @Test func fastPathSlicesBatchesFromTheFrame() throws {
        let batch = Fixtures.twoBatches(prefix: "s")
        let response = Response(
            correlationId: 1,
            body: .fetch(FetchResponse(topics: [FetchTopicResponse(name: "t", partitions: [
                FetchPartitionResponse(partition: 2, highWatermark: 5, logStartOffset: 0, logEndOffset: 5, records: batch)
            ])])))
        let body = WireCodec.encode(response)
        let decoded = try #require(WireCodec.decodeFetchResponseFastPath(body))
        guard case .fetch(let fetch) = decoded.body else { return }
        let records = fetch.topics[0].partitions[0].records
        #expect(records == batch)
        let sharesStorage = records.withUnsafeReadableBytes { slice in
            body.withUnsafeReadableBytes { frame in
                slice.baseAddress! >= frame.baseAddress! && slice.baseAddress! < frame.baseAddress! + frame.count
            }
        }
        #expect(sharesStorage)
        // A non-fetch frame is left to protobuf-c.
        #expect(WireCodec.decodeFetchResponseFastPath(WireCodec.encode(Response(correlationId: 1, body: .none))) == nil)
    }
}
