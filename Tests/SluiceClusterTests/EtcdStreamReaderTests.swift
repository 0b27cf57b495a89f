@testable import SluiceCluster
import Testing

/// The watch stream's framing: one JSON object per line, however etcd's chunks cut them.
@Suite struct EtcdStreamReaderTests {
    private struct Message: Decodable, Equatable {
        var n: Int
    }

    private func messages(_ chunks: [String]) async -> [Message] {
        var remaining = chunks.map { Array($0.utf8) }
        var reader = EtcdStreamReader<Message>(chunks: {
            remaining.isEmpty ? nil : remaining.removeFirst()
        })
        var read: [Message] = []
        while let message = await reader.next() { read.append(message) }
        return read
    }

    @Test func objectsSplitAcrossChunksAndSeveralInOneChunkAreEachReadOnce() async {
        let read = await messages(["{\"n\":", "1}\n{\"n\":2}\n{", "\"n\":3}\n\n", "{\"n\":4}"])
        #expect(read == [Message(n: 1), Message(n: 2), Message(n: 3), Message(n: 4)])
    }

    @Test func somethingThatIsNotAMessageEndsTheStream() async {
        #expect(await messages(["{\"n\":1}\nnot json\n{\"n\":3}\n"]) == [Message(n: 1)])
    }

    @Test func leaseTTLsRoundUpToWholeSeconds() {
        #expect(EtcdMetadataStore.wholeSeconds(.milliseconds(1)) == 1)
        #expect(EtcdMetadataStore.wholeSeconds(.seconds(1)) == 1)
        #expect(EtcdMetadataStore.wholeSeconds(.milliseconds(1_001)) == 2)
        #expect(EtcdMetadataStore.wholeSeconds(.seconds(10)) == 10)
    }
}
