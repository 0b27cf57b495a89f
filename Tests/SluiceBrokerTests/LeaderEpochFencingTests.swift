import SluiceWire
import Testing

@testable import SluiceBroker

/// KIP-320: a client's current leader epoch against the replica's, for Fetch, ListOffsets and OffsetForLeaderEpoch.
@Suite struct LeaderEpochFencingTests {
    @Test func anOlderEpochIsFencedANewerOneUnknownAndNoneUnchecked() {
        #expect(ReplicaManager.epochError(current: 3, hosted: 5) == .fencedLeaderEpoch, "the client must refresh")
        #expect(ReplicaManager.epochError(current: 6, hosted: 5) == .unknownLeaderEpoch, "this replica is behind")
        #expect(ReplicaManager.epochError(current: 5, hosted: 5) == nil)
        #expect(ReplicaManager.epochError(current: -1, hosted: 5) == nil, "-1: the client gave none")
    }
}
