import Testing

@testable import SluiceStorage

@Suite struct CheckpointFileTests {
    @Test func offsetCheckpointRoundTripsForItsOwnPartitionOnly() {
        let text = CheckpointFile.offsetText(topic: "orders", partition: 3, offset: 42)
        #expect(text == "0\n1\norders 3 42\n")
        #expect(CheckpointFile.parseOffset(text, topic: "orders", partition: 3) == 42)
        #expect(CheckpointFile.parseOffset(text, topic: "orders", partition: 4) == nil)
        #expect(CheckpointFile.parseOffset(text, topic: "payments", partition: 3) == nil)
    }

    @Test func epochCheckpointRoundTrips() {
        let entries = [LeaderEpochEntry(epoch: 0, startOffset: 0), LeaderEpochEntry(epoch: 5, startOffset: 120)]
        let text = CheckpointFile.epochsText(entries)
        #expect(text == "0\n2\n0 0\n5 120\n")
        #expect(CheckpointFile.parseEpochs(text) == entries)
        #expect(CheckpointFile.parseEpochs("0\n0\n") == [])
    }

    @Test func malformedCheckpointsAreRefused() {
        for text in [
            "", "0\n", "1\n1\norders 0 5\n", "0\n2\norders 0 5\n", "0\n1\norders 0\n", "0\n1\norders 0 x\n",
            "0\n1\norders 0 -3\n",
        ] {
            #expect(CheckpointFile.parseOffset(text, topic: "orders", partition: 0) == nil, "\(text.debugDescription)")
        }
        for text in ["0\n2\n3 10\n2 20\n", "0\n2\n1 10\n2 5\n", "0\n1\n1\n", "0\n1\n-1 0\n"] {
            #expect(CheckpointFile.parseEpochs(text) == nil, "\(text.debugDescription)")
        }
    }
}
