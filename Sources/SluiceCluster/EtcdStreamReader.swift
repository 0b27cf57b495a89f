import AsyncHTTPClient
import Foundation
import NIOCore

/// Reads a gateway stream (a watch): one JSON object per line, however the lines are split across chunks.
/// Bound: a line longer than `lineLimitBytes` ends the stream (the caller re-lists).
struct EtcdStreamReader<Message: Decodable> {
    static var lineLimitBytes: Int { 16 << 20 }

    /// The next chunk of the body; nil at its end.
    private let nextChunk: () async throws -> [UInt8]?
    private var pending: [UInt8] = []
    private var ended = false

    init(_ body: HTTPClientResponse.Body) {
        var iterator = body.makeAsyncIterator()
        nextChunk = { try await iterator.next().map { Array($0.readableBytesView) } }
    }

    /// A reader of the chunks `nextChunk` returns (tests split objects across chunks with it).
    init(chunks nextChunk: @escaping () async throws -> [UInt8]?) {
        self.nextChunk = nextChunk
    }

    /// The next object; nil once the stream ended, failed (cancellation included) or sent something that is
    /// not a `Message`.
    mutating func next() async -> Message? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<newline])
                pending.removeFirst(newline + 1)
                if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
                return Self.decode(line)
            }
            guard !ended, pending.count <= Self.lineLimitBytes else {
                defer { pending.removeAll() }
                return ended && !pending.isEmpty ? Self.decode(pending) : nil
            }
            do {
                if let chunk = try await nextChunk() {
                    pending += chunk
                } else {
                    ended = true
                }
            } catch {
                ended = true
                pending.removeAll()
            }
        }
    }

    private static func decode(_ line: [UInt8]) -> Message? {
        try? EtcdWire.decoder().decode(Message.self, from: Data(line))
    }
}
