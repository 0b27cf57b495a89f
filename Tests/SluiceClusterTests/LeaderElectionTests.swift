import SluiceCluster
import SluiceObservability
import Testing

/// Kafka's election rules as pure decisions: clean, unclean, offline, preferred, controlled, ISR clean-up.
@Suite struct LeaderElectionTests {
    private func state(leader: Int32, epoch: Int32 = 4, isr: [Int32], replicas: [Int32] = [1, 2, 3]) -> PartitionState {
        PartitionState(partition: 0, replicas: replicas, leader: leader, leaderEpoch: epoch, isr: isr, version: 17)
    }

    @Test func aLostLeaderIsReplacedByTheFirstLiveISRMemberInAssignmentOrder() throws {
        // Replica 2 is alive but out of sync: 3 wins although 2 comes first in the assignment.
        let decision = try #require(LeaderElection.afterBrokerChange(
            state(leader: 1, isr: [1, 3]), alive: [2, 3], uncleanAllowed: false))
        #expect(decision.election == .clean)
        #expect(decision.previousLeader == 1)
        #expect(decision.state.leader == 3)
        #expect(decision.state.leaderEpoch == 5)
        #expect(decision.state.isr == [3])
        #expect(decision.state.version == 17, "the compare is the version decided from")
    }

    @Test func withNoLiveISRMemberThePartitionGoesOfflineKeepingItsISR() throws {
        let decision = try #require(LeaderElection.afterBrokerChange(
            state(leader: 1, isr: [1]), alive: [2, 3], uncleanAllowed: false))
        #expect(decision.isOffline)
        #expect(decision.election == nil)
        #expect(decision.state.leaderEpoch == 5, "the old leader is fenced by a new epoch")
        #expect(decision.state.isr == [1], "the last in-sync member is elected cleanly when it returns")
        // Already offline: another broker change writes nothing (no epoch per change).
        #expect(LeaderElection.afterBrokerChange(decision.state, alive: [2], uncleanAllowed: false) == nil)
    }

    @Test func uncleanElectionTakesTheFirstLiveReplicaOnlyWhenAllowed() throws {
        let offline = state(leader: -1, epoch: 5, isr: [1])
        #expect(LeaderElection.afterBrokerChange(offline, alive: [3, 2], uncleanAllowed: false) == nil)
        let decision = try #require(LeaderElection.afterBrokerChange(offline, alive: [3, 2], uncleanAllowed: true))
        #expect(decision.election == .unclean)
        #expect(decision.state.leader == 2)
        #expect(decision.state.isr == [2])
        #expect(decision.state.leaderEpoch == 6)
    }

    @Test func anOfflinePartitionIsElectedCleanlyWhenAnISRMemberReturns() throws {
        let decision = try #require(LeaderElection.afterBrokerChange(
            state(leader: -1, epoch: 5, isr: [1]), alive: [1, 2], uncleanAllowed: true))
        #expect(decision.election == .clean, "clean wins over unclean when an ISR member is back")
        #expect(decision.state.leader == 1)
        #expect(decision.state.leaderEpoch == 6)
    }

    @Test func aLiveLeaderOnlyLosesDeadISRMembersAtTheSameEpoch() throws {
        let decision = try #require(LeaderElection.afterBrokerChange(
            state(leader: 2, isr: [1, 2, 3]), alive: [2, 3], uncleanAllowed: false))
        #expect(decision.election == nil)
        #expect(!decision.isOffline)
        #expect(decision.state.leader == 2)
        #expect(decision.state.leaderEpoch == 4)
        #expect(decision.state.isr == [2, 3])
        #expect(LeaderElection.afterBrokerChange(decision.state, alive: [2, 3], uncleanAllowed: false) == nil)
    }

    @Test func preferredElectionNeedsTheFirstReplicaAliveAndInSync() throws {
        #expect(LeaderElection.preferred(state(leader: 2, isr: [2, 3]), alive: [1, 2, 3]) == nil, "1 is not in sync")
        #expect(LeaderElection.preferred(state(leader: 2, isr: [1, 2]), alive: [2, 3]) == nil, "1 is not alive")
        #expect(LeaderElection.preferred(state(leader: 1, isr: [1, 2]), alive: [1, 2]) == nil, "1 already leads")
        let decision = try #require(LeaderElection.preferred(state(leader: 2, isr: [2, 1]), alive: [1, 2]))
        #expect(decision.election == .preferred)
        #expect(decision.state.leader == 1)
        #expect(decision.state.leaderEpoch == 5)
        #expect(decision.state.isr == [2, 1])
    }

    @Test func controlledShutdownMovesLeadershipAndDropsTheBrokerFromISRs() throws {
        let led = try #require(LeaderElection.controlledShutdown(state(leader: 1, isr: [1, 2, 3]), broker: 1, alive: [2, 3]))
        #expect(led.election == .controlled)
        #expect(led.state.leader == 2)
        #expect(led.state.isr == [2, 3])
        #expect(led.state.leaderEpoch == 5)
        let followed = try #require(LeaderElection.controlledShutdown(state(leader: 2, isr: [1, 2]), broker: 1, alive: [2, 3]))
        #expect(followed.election == nil)
        #expect(followed.state.leader == 2)
        #expect(followed.state.isr == [2])
        #expect(followed.state.leaderEpoch == 4)
        // The only in-sync replica keeps leading (Kafka leaves it) rather than going offline.
        #expect(LeaderElection.controlledShutdown(state(leader: 1, isr: [1]), broker: 1, alive: [2, 3]) == nil)
    }
}
