/// The `type` label of fetch metrics: who sent the Fetch request.
public enum FetchRequestType: String, Sendable, CaseIterable {
    /// A consumer reading below the high watermark.
    case consumer
    /// A follower replica replicating from this leader.
    case follower
}
