import NIOCore
import NIOEmbedded
import SluiceWire
import Testing

@Suite struct FrameDecoderTests {
    static let maxFrameBytes = 1 << 20

    @Test func framesSplitAcrossManyReadsComeOutWhole() throws {
        // 40 frames of 300 KiB fed through NIO's ByteToMessageHandler in 64 KiB + 1 reads, so frame ends
        // rarely meet read ends: every frame must come out whole and in order.
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameBytes: 1 << 20)))
        var stream = ByteBuffer()
        for index in 0..<40 {
            FrameDecoder.writeFrame(ByteBuffer(repeating: UInt8(index), count: 300 << 10), to: &stream)
        }
        while stream.readableBytes > 0 {
            let chunk = stream.readSlice(length: min(stream.readableBytes, (64 << 10) + 1))!
            try channel.writeInbound(chunk)
        }
        for index in 0..<40 {
            let frame = try #require(try channel.readInbound(as: ByteBuffer.self), "frame \(index)")
            #expect(frame.readableBytes == 300 << 10)
            let ends = [frame.readableBytesView.first, frame.readableBytesView.last]
            #expect(ends == [UInt8(index), UInt8(index)], "frame \(index)")
        }
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        _ = try channel.finish()
    }

    @Test func partialLengthPrefixWaitsWithoutConsuming() throws {
        var buffer = ByteBuffer(bytes: [0, 0, 0])
        #expect(try FrameDecoder.nextFrame(from: &buffer, maxFrameBytes: Self.maxFrameBytes) == nil)
        #expect(buffer.readerIndex == 0)
        #expect(buffer.readableBytes == 3)
    }

    @Test func partialBodyWaitsWithoutConsuming() throws {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(10))
        buffer.writeBytes([1, 2, 3, 4, 5])
        #expect(try FrameDecoder.nextFrame(from: &buffer, maxFrameBytes: Self.maxFrameBytes) == nil)
        #expect(buffer.readerIndex == 0)
        buffer.writeBytes([6, 7, 8, 9, 10])
        let frame = try #require(try FrameDecoder.nextFrame(from: &buffer, maxFrameBytes: Self.maxFrameBytes))
        #expect(Array(frame.readableBytesView) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    }

    @Test func twoFramesInOneBufferComeOutInOrder() throws {
        var buffer = ByteBuffer()
        FrameDecoder.writeFrame(ByteBuffer(bytes: [0xAA]), to: &buffer)
        FrameDecoder.writeFrame(ByteBuffer(bytes: [0xBB, 0xCC]), to: &buffer)
        buffer.writeBytes([0, 0])  // the start of a third length
        let first = try #require(try FrameDecoder.nextFrame(from: &buffer, maxFrameBytes: Self.maxFrameBytes))
        let second = try #require(try FrameDecoder.nextFrame(from: &buffer, maxFrameBytes: Self.maxFrameBytes))
        #expect(Array(first.readableBytesView) == [0xAA])
        #expect(Array(second.readableBytesView) == [0xBB, 0xCC])
        #expect(try FrameDecoder.nextFrame(from: &buffer, maxFrameBytes: Self.maxFrameBytes) == nil)
        #expect(buffer.readableBytes == 2)
    }

    @Test func zeroLengthFrameIsEmpty() {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 0, 0xFF])
        #expect(throws: FrameError.empty) {
            try FrameDecoder.nextFrame(from: &buffer, maxFrameBytes: Self.maxFrameBytes)
        }
    }

    @Test func twoGibibyteLengthIsTooLargeBeforeAnyBodyArrives() {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(1) << 31)
        buffer.writeBytes([1, 2, 3])
        #expect(throws: FrameError.tooLarge(claimed: 1 << 31, limit: Self.maxFrameBytes)) {
            try FrameDecoder.nextFrame(from: &buffer, maxFrameBytes: Self.maxFrameBytes)
        }
        #expect(buffer.readerIndex == 0)
        #expect(buffer.readableBytes == 7)
    }

    @Test func httpRequestsAndResponsesAreToldApartFromHugeFrames() {
        let cases = [
            ("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 400 Bad Request"),
            ("GET /metrics HTTP/1.1\r\nHost: x\r\n", "GET /metrics HTTP/1.1"),
        ]
        for (text, firstLine) in cases {
            var buffer = ByteBuffer(string: text)
            #expect(throws: FrameError.http(firstLine: firstLine)) {
                try FrameDecoder.nextFrame(from: &buffer, maxFrameBytes: Self.maxFrameBytes)
            }
        }
        // Four bytes suffice ("POST" read as a length is 1.3 GB); a huge length that is not HTTP stays tooLarge.
        var post = ByteBuffer(string: "POST")
        #expect(throws: FrameError.http(firstLine: "POST")) {
            try FrameDecoder.nextFrame(from: &post, maxFrameBytes: Self.maxFrameBytes)
        }
        var binary = ByteBuffer(bytes: [0x48, 0x54, 0x00, 0x01])
        #expect(throws: FrameError.tooLarge(claimed: 0x4854_0001, limit: Self.maxFrameBytes)) {
            try FrameDecoder.nextFrame(from: &binary, maxFrameBytes: Self.maxFrameBytes)
        }
    }

    @Test func frameOfExactlyTheLimitIsAccepted() throws {
        var buffer = ByteBuffer()
        FrameDecoder.writeFrame(ByteBuffer(repeating: 7, count: 16), to: &buffer)
        let frame = try FrameDecoder.nextFrame(from: &buffer, maxFrameBytes: 16)
        #expect(frame?.readableBytes == 16)
        var over = ByteBuffer()
        FrameDecoder.writeFrame(ByteBuffer(repeating: 7, count: 17), to: &over)
        #expect(throws: FrameError.tooLarge(claimed: 17, limit: 16)) {
            try FrameDecoder.nextFrame(from: &over, maxFrameBytes: 16)
        }
    }
}
