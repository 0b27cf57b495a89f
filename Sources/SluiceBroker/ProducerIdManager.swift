import SluiceCluster

/// Hands out producer ids for InitProducerId from blocks reserved in the metadata store (Kafka's
/// `ProducerIdManager`, KIP-730): the store persists each block's end before answering, so a restarted
/// broker never gives an id twice; ids left in a block at shutdown are skipped.
///
/// An actor: InitProducerId is control plane, and a block refill awaits the store.
/// Bound: one block request in flight per caller waiting; surplus blocks fetched by concurrent callers are
/// kept and used, never dropped.
actor ProducerIdManager {
    /// Ids reserved per store round trip.
    static let defaultBlockSize = 1000

    private let store: any MetadataStore
    private let blockSize: Int
    /// Ids of the current block not yet handed out.
    private var current: Range<Int64> = 0..<0
    /// Blocks fetched while another caller was refilling too, in the order received.
    private var spare: [Range<Int64>] = []

    init(store: any MetadataStore, blockSize: Int = ProducerIdManager.defaultBlockSize) {
        precondition(blockSize >= 1, "a producer id block holds at least one id")
        self.store = store
        self.blockSize = blockSize
    }

    /// The next unused producer id; a block is fetched from the store when the current one is used up.
    func nextProducerId() async throws(MetadataError) -> Int64 {
        // Bound: each pass either takes an id, takes a spare block, or adds one fetched block (which the
        // next pass takes) — at most three passes unless the store answers empty ranges, which it must not.
        while current.isEmpty {
            if !spare.isEmpty {
                current = spare.removeFirst()
                continue
            }
            let block = try await store.allocateProducerIds(count: blockSize)
            precondition(!block.isEmpty && block.lowerBound >= 0, "the store reserved no ids: \(block)")
            // Re-check after the await: another caller may have refilled `current` meanwhile; keep ours for later.
            spare.append(block)
        }
        let id = current.lowerBound
        current = current.dropFirst()
        assert(id >= 0)
        return id
    }
}
