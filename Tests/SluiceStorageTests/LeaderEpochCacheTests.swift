import Testing

@testable import SluiceStorage

@Suite struct LeaderEpochCacheTests {
    private let cache = LeaderEpochCache(entries: [
        .init(epoch: 1, startOffset: 0), .init(epoch: 3, startOffset: 10), .init(epoch: 6, startOffset: 25),
    ])

    @Test func endOffsetOfAnEpochIsWhereTheNextOneStarts() {
        #expect(cache.endOffset(for: 1, logEndOffset: 40) == (1, 10))
        #expect(cache.endOffset(for: 3, logEndOffset: 40) == (3, 25))
        #expect(cache.endOffset(for: 6, logEndOffset: 40) == (6, 40))
    }

    @Test func endOffsetOfAnUnknownEpochUsesTheEpochBelowIt() {
        // Epoch 4 never led here: the follower's epoch 4 ends where epoch 6 began, attributed to epoch 3.
        #expect(cache.endOffset(for: 4, logEndOffset: 40) == (3, 25))
        #expect(cache.endOffset(for: 0, logEndOffset: 40) == (0, 0))
        #expect(cache.endOffset(for: 7, logEndOffset: 40) == (-1, -1))
        #expect(cache.endOffset(for: -1, logEndOffset: 40) == (-1, -1))
        #expect(LeaderEpochCache().endOffset(for: 2, logEndOffset: 0) == (-1, -1))
    }

    @Test func assignKeepsOnlyNewerEpochs() {
        var cache = cache
        let changed1 = cache.assign(epoch: 6, startOffset: 30)
        #expect(!changed1)
        let changed2 = cache.assign(epoch: 2, startOffset: 30)
        #expect(!changed2)
        let changed3 = cache.assign(epoch: 8, startOffset: 30)
        #expect(changed3)
        #expect(cache.latestEpoch == 8)
        // A newer epoch starting below existing entries replaces them.
        let changed4 = cache.assign(epoch: 9, startOffset: 20)
        #expect(changed4)
        #expect(
            cache.entries == [
                .init(epoch: 1, startOffset: 0), .init(epoch: 3, startOffset: 10), .init(epoch: 9, startOffset: 20),
            ])
    }

    @Test func truncationFromEitherEndTrimsTheEntries() {
        var fromEnd = cache
        let changed5 = fromEnd.truncateFromEnd(endOffset: 25)
        #expect(changed5)
        #expect(fromEnd.entries.map(\.epoch) == [1, 3])
        let changed6 = fromEnd.truncateFromEnd(endOffset: 25)
        #expect(!changed6)
        var fromStart = cache
        let changed7 = fromStart.truncateFromStart(startOffset: 12)
        #expect(changed7)
        #expect(fromStart.entries == [.init(epoch: 3, startOffset: 12), .init(epoch: 6, startOffset: 25)])
        let changed8 = fromStart.truncateFromStart(startOffset: 5)
        #expect(!changed8)
        var exact = cache
        let changed9 = exact.truncateFromStart(startOffset: 25)
        #expect(changed9)
        #expect(exact.entries == [.init(epoch: 6, startOffset: 25)])
    }
}
