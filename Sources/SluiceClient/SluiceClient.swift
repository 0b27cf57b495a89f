import NIOCore
import NIOPosix
import SluiceWire

/// The entry point to a Sluice cluster: admin requests, metadata, fetch and offsets, routed to the
/// right broker. Producing is `SluiceProducer`'s job: its sender opens its own `BrokerConnection`s and
/// pipelines Produce requests on them.
///
/// Connects lazily: the first request tries the bootstrap servers in order. Keeps one connection per
/// broker, reused and pipelined; a metadata cache maps partitions to leaders and is refreshed on
/// demand and after NOT_LEADER_OR_FOLLOWER / UNKNOWN_TOPIC_OR_PARTITION. Owns a one-thread event
/// loop group: call `close()` when done, or its thread outlives the client.
///
/// Errors: broker-reported failures throw `SluiceError` with Kafka's code; unreachable brokers throw
/// `ConnectError`. Per-partition errors of fetch and offsets are returned in the partition's response.
public actor SluiceClient {
    enum State {
        case open
        case closed
    }

    /// The bootstrap servers, in the order they are tried.
    public let bootstrapServers: [BrokerAddress]
    /// `client.id`, sent with every request.
    public let clientId: String
    let connectTimeout: Duration
    let requestTimeout: Duration
    let group: MultiThreadedEventLoopGroup
    var state = State.open
    /// Bound: one connection per broker address.
    var connections: [BrokerAddress: BrokerConnection] = [:]
    var cache = MetadataCache()

    /// A client for the cluster reachable through `bootstrapServers` ("host:port" each, comma-separated
    /// lists allowed). Throws `BrokerAddressError` for an unparsable address; does not connect yet.
    ///
    /// - Parameters:
    ///   - connectTimeout: how long one connection attempt may take.
    ///   - requestTimeout: `request.timeout.ms`, on top of each request's own server-side wait.
    public init(
        bootstrapServers: [String], clientId: String = "sluice",
        connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(30)
    ) throws(BrokerAddressError) {
        self.init(
            bootstrapAddresses: try BrokerAddress.parseList(bootstrapServers), clientId: clientId,
            connectTimeout: connectTimeout, requestTimeout: requestTimeout)
    }

    /// A client for already parsed bootstrap addresses (at least one).
    public init(
        bootstrapAddresses: [BrokerAddress], clientId: String = "sluice",
        connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(30)
    ) {
        precondition(!bootstrapAddresses.isEmpty, "a client needs at least one bootstrap server")
        self.bootstrapServers = bootstrapAddresses
        self.clientId = clientId
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Closes every connection (requests in flight fail with NETWORK_EXCEPTION) and shuts down the
    /// event loop group. Later requests throw. Calling it twice is harmless.
    public func close() async throws {
        guard case .open = state else { return }
        state = .closed
        let open = Array(connections.values)
        connections.removeAll()
        for connection in open { await connection.close() }
        try await group.shutdownGracefully()
    }

    // MARK: connections

    /// Throws once `close()` has run.
    func checkOpen() throws(SluiceError) {
        guard case .open = state else { throw SluiceError(.networkException, "the client is closed") }
    }

    /// The connection to `address`, opened if needed and reused afterwards.
    func connection(to address: BrokerAddress) async throws -> BrokerConnection {
        try checkOpen()
        if let existing = connections[address], existing.isActive { return existing }
        let fresh = try await BrokerConnection.connect(
            to: address, clientId: clientId, group: group,
            connectTimeout: connectTimeout, requestTimeout: requestTimeout)
        // Re-check after the await: close() may have run, or another task connected first.
        guard case .open = state else {
            await fresh.close()
            throw SluiceError(.networkException, "the client is closed")
        }
        if let existing = connections[address], existing.isActive {
            await fresh.close()
            return existing
        }
        connections[address] = fresh
        return fresh
    }

    /// The connection to `address`, or the reason there is none as a NETWORK_EXCEPTION, for calls
    /// that answer failures per partition.
    func connectionResult(to address: BrokerAddress) async -> Result<BrokerConnection, SluiceError> {
        do {
            return .success(try await connection(to: address))
        } catch let error as SluiceError {
            return .failure(error)
        } catch {
            return .failure(SluiceError(.networkException, "\(error)"))
        }
    }

    /// Any open connection; otherwise the bootstrap servers in order, then the brokers metadata named.
    func anyConnection() async throws -> BrokerConnection {
        try checkOpen()
        if let open = connections.values.first(where: { $0.isActive }) { return open }
        var candidates = bootstrapServers
        for broker in cache.brokers.values.sorted(by: { $0.nodeId < $1.nodeId }) {
            let address = BrokerAddress(broker)
            if !candidates.contains(address) { candidates.append(address) }
        }
        var lastError: (any Error)?
        for address in candidates {
            do {
                return try await connection(to: address)
            } catch {
                lastError = error
            }
        }
        throw lastError ?? SluiceError(.networkException, "no broker to connect to")
    }

    /// Sends on `connection`; a network failure drops the connection and the topic cache, since
    /// leaders may have moved with it.
    func send(_ body: RequestBody, on connection: BrokerConnection) async throws -> Response {
        do {
            return try await connection.send(body)
        } catch let error as SluiceError where error.code == .networkException || error.code == .requestTimedOut {
            connectionFailed(connection)
            throw error
        }
    }

    /// Forgets a failed connection (if it is still the cached one) and every cached leader.
    func connectionFailed(_ connection: BrokerConnection) {
        if let cached = connections[connection.address], cached === connection {
            connections[connection.address] = nil
        }
        cache.invalidateAll()
    }

    /// Whether a partition error means the cached leader is stale.
    static func meansStaleMetadata(_ code: ErrorCode) -> Bool {
        switch code {
        case .notLeaderOrFollower, .unknownTopicOrPartition, .leaderNotAvailable, .fencedLeaderEpoch,
            .unknownLeaderEpoch:
            true
        default:
            false
        }
    }

    /// The error for a response whose body is not the one its request asks for.
    static func unexpectedBody(_ response: Response, expected apiName: String) -> SluiceError {
        SluiceError(.unknownServerError, "the broker answered a \(apiName) request with a different response type")
    }
}
