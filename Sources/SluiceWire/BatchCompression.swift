import CLZ4
import CSnappy
import CZlib
import CZstd

/// The codecs of Kafka's compressed batches (attributes bits 0–2), over Debian's C libraries: gzip (zlib), snappy
/// (raw, as librdkafka writes it, or in snappy-java's framing, as Java clients write it), lz4 (the LZ4 frame
/// format) and zstd. The broker never calls these on the produce path — it stores batches as sent; consumers
/// (the native client, the CLI) decompress to read records, and tests compress to make batches.
public enum BatchCompression {
    /// Kafka's codec ids.
    public enum Codec: Int, Sendable, CaseIterable, CustomStringConvertible {
        case none = 0
        case gzip = 1
        case snappy = 2
        case lz4 = 3
        case zstd = 4

        public var description: String {
            switch self {
            case .none: "none"
            case .gzip: "gzip"
            case .snappy: "snappy"
            case .lz4: "lz4"
            case .zstd: "zstd"
            }
        }
    }

    /// Decompressed bytes are bounded so a hostile batch (a "zip bomb") fails instead of exhausting memory.
    public static let decompressedBytesMax = 256 << 20

    /// The bytes `input` decompresses to with `codec`. Throws CORRUPT_MESSAGE when the input is not valid for
    /// the codec, or when it would decompress past `limitBytes`.
    public static func decompress(
        _ input: UnsafeRawBufferPointer, codec: Codec, limitBytes: Int = decompressedBytesMax
    ) throws(SluiceError) -> [UInt8] {
        switch codec {
        case .none: return Array(input)
        case .gzip: return try inflate(input, limitBytes: limitBytes)
        case .snappy: return try unsnappy(input, limitBytes: limitBytes)
        case .lz4: return try unlz4(input, limitBytes: limitBytes)
        case .zstd: return try unzstd(input, limitBytes: limitBytes)
        }
    }

    /// `input` compressed with `codec` in the form Kafka clients write: gzip with a gzip header, raw snappy,
    /// an LZ4 frame, a zstd frame.
    public static func compress(_ input: UnsafeRawBufferPointer, codec: Codec) -> [UInt8] {
        switch codec {
        case .none: return Array(input)
        case .gzip: return deflate(input)
        case .snappy:
            var length = snappy_max_compressed_length(input.count)
            var output = [UInt8](repeating: 0, count: length)
            let status = output.withUnsafeMutableBytes { target in
                snappy_compress(
                    input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                    target.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
            }
            precondition(status == SNAPPY_OK, "snappy_compress into its own bound cannot fail")
            return Array(output.prefix(length))
        case .lz4:
            let bound = LZ4F_compressFrameBound(input.count, nil)
            var output = [UInt8](repeating: 0, count: bound)
            let written = output.withUnsafeMutableBytes { target in
                LZ4F_compressFrame(target.baseAddress, bound, input.baseAddress, input.count, nil)
            }
            precondition(LZ4F_isError(written) == 0, "LZ4F_compressFrame into its own bound cannot fail")
            return Array(output.prefix(written))
        case .zstd:
            let bound = ZSTD_compressBound(input.count)
            var output = [UInt8](repeating: 0, count: bound)
            let written = output.withUnsafeMutableBytes { target in
                ZSTD_compress(target.baseAddress, bound, input.baseAddress, input.count, 3)
            }
            precondition(ZSTD_isError(written) == 0, "ZSTD_compress into its own bound cannot fail")
            return Array(output.prefix(written))
        }
    }

    // MARK: gzip

    private static func inflate(_ input: UnsafeRawBufferPointer, limitBytes: Int) throws(SluiceError) -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: a zlib or gzip header, detected (Kafka writes gzip).
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw SluiceError(.corruptMessage, "gzip: inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        // Bound: each pass consumes input or produces output; the output is capped at limitBytes.
        while true {
            let (status, produced) = chunk.withUnsafeMutableBufferPointer { target -> (Int32, Int) in
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                return (status, target.count - Int(stream.avail_out))
            }
            output += chunk.prefix(produced)
            guard output.count <= limitBytes else { throw tooLarge(.gzip, limitBytes) }
            if status == Z_STREAM_END { return output }
            guard status == Z_OK, produced > 0 || stream.avail_in > 0 else {
                throw SluiceError(.corruptMessage, "gzip: invalid or truncated data (zlib status \(status))")
            }
        }
    }

    private static func deflate(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: a gzip header, as Kafka's GZIPOutputStream writes.
        let initialized = deflateInit2_(
            &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        precondition(initialized == Z_OK, "deflateInit2 with valid parameters")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        let written = output.withUnsafeMutableBufferPointer { target -> Int in
            stream.next_out = target.baseAddress
            stream.avail_out = uInt(target.count)
            let status = CZlib.deflate(&stream, Z_FINISH)
            precondition(status == Z_STREAM_END, "deflate into deflateBound finishes in one call")
            return target.count - Int(stream.avail_out)
        }
        return Array(output.prefix(written))
    }

    // MARK: snappy

    /// snappy-java's stream header: magic `0x82 "SNAPPY" 0x00`, then version and compatible version (int32 each).
    static let snappyJavaMagic: [UInt8] = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]

    private static func unsnappy(_ input: UnsafeRawBufferPointer, limitBytes: Int) throws(SluiceError) -> [UInt8] {
        guard input.count >= 16, input.prefix(8).elementsEqual(snappyJavaMagic) else {
            return try unsnappyBlock(input, limitBytes: limitBytes)
        }
        // snappy-java framing: after the 16-byte header, blocks of a big-endian int32 length and raw snappy.
        var output: [UInt8] = []
        var position = 16
        // Bound: each pass consumes a length and its block.
        while position < input.count {
            guard input.count - position >= 4 else { throw SluiceError(.corruptMessage, "snappy: a block length cut short") }
            let length = Int(UInt32(bigEndian: input.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position += 4
            guard length <= input.count - position else {
                throw SluiceError(.corruptMessage, "snappy: a block of \(length) bytes with \(input.count - position) left")
            }
            let block = UnsafeRawBufferPointer(rebasing: input[position..<(position + length)])
            output += try unsnappyBlock(block, limitBytes: limitBytes - output.count)
            position += length
        }
        return output
    }

    private static func unsnappyBlock(_ input: UnsafeRawBufferPointer, limitBytes: Int) throws(SluiceError) -> [UInt8] {
        let source = input.baseAddress?.assumingMemoryBound(to: CChar.self)
        var length = 0
        guard snappy_uncompressed_length(source, input.count, &length) == SNAPPY_OK else {
            throw SluiceError(.corruptMessage, "snappy: not a snappy block")
        }
        guard length <= limitBytes else { throw tooLarge(.snappy, limitBytes) }
        var output = [UInt8](repeating: 0, count: length)
        let status = output.withUnsafeMutableBytes { target in
            snappy_uncompress(source, input.count, target.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
        }
        guard status == SNAPPY_OK else { throw SluiceError(.corruptMessage, "snappy: invalid or truncated data") }
        return output
    }

    // MARK: lz4

    private static func unlz4(_ input: UnsafeRawBufferPointer, limitBytes: Int) throws(SluiceError) -> [UInt8] {
        var context: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0, let context else {
            throw SluiceError(.corruptMessage, "lz4: cannot create a decompression context")
        }
        defer { LZ4F_freeDecompressionContext(context) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var position = 0
        // Bound: each pass consumes input or produces output; the output is capped at limitBytes.
        while true {
            var consumed = input.count - position
            var produced = chunk.count
            let hint = chunk.withUnsafeMutableBytes { target in
                LZ4F_decompress(context, target.baseAddress, &produced, input.baseAddress! + position, &consumed, nil)
            }
            guard LZ4F_isError(hint) == 0 else {
                throw SluiceError(.corruptMessage, "lz4: \(String(cString: LZ4F_getErrorName(hint)))")
            }
            position += consumed
            output += chunk.prefix(produced)
            guard output.count <= limitBytes else { throw tooLarge(.lz4, limitBytes) }
            if hint == 0 { return output }  // the frame is complete
            guard consumed > 0 || produced > 0 else { throw SluiceError(.corruptMessage, "lz4: truncated frame") }
        }
    }

    // MARK: zstd

    private static func unzstd(_ input: UnsafeRawBufferPointer, limitBytes: Int) throws(SluiceError) -> [UInt8] {
        guard let stream = ZSTD_createDStream() else {
            throw SluiceError(.corruptMessage, "zstd: cannot create a decompression stream")
        }
        defer { ZSTD_freeDStream(stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        // Bound: each pass consumes input or produces output; the output is capped at limitBytes.
        while true {
            let (hint, produced) = chunk.withUnsafeMutableBytes { target -> (Int, Int) in
                var target = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
                let hint = ZSTD_decompressStream(stream, &target, &source)
                return (hint, target.pos)
            }
            guard ZSTD_isError(hint) == 0 else {
                throw SluiceError(.corruptMessage, "zstd: \(String(cString: ZSTD_getErrorName(hint)))")
            }
            output += chunk.prefix(produced)
            guard output.count <= limitBytes else { throw tooLarge(.zstd, limitBytes) }
            if hint == 0, source.pos == source.size { return output }
            guard source.pos < source.size || produced == chunk.count else {
                throw SluiceError(.corruptMessage, "zstd: truncated frame")
            }
        }
    }

    private static func tooLarge(_ codec: Codec, _ limitBytes: Int) -> SluiceError {
        SluiceError(.corruptMessage, "\(codec): decompresses to more than \(limitBytes) bytes")
    }
}
