/// A broker's registration in the metadata store, alive while kept alive (an etcd lease).
public struct BrokerSession: Sendable, Hashable, CustomStringConvertible {
    /// The lease id: unique for the store's life, never reused.
    public let id: Int64
    /// The broker registered under it.
    public let brokerId: Int32
    /// The lease's time to live: keep it alive more often than this.
    public let ttl: Duration

    public init(id: Int64, brokerId: Int32, ttl: Duration) {
        precondition(ttl > .zero, "a session needs a positive TTL")
        self.id = id
        self.brokerId = brokerId
        self.ttl = ttl
    }

    public var description: String { "session \(id) of broker \(brokerId)" }
}

/// Why a session ended.
public enum SessionLoss: Sendable, Hashable {
    /// Its TTL passed without a keep-alive.
    case expired
    /// It was deregistered.
    case deregistered
}
