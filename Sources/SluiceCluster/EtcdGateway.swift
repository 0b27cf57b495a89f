import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// POSTs to etcd's v3 JSON gateway over one HTTP client, with endpoint failover: requests go to the endpoint
/// that last answered; a connection failure (refused, reset, timed out) moves on to the next, in order, and the
/// request fails `.unavailable` naming every endpoint once none answered. Records each round trip's duration
/// under its `op` and the store's up state.
final class EtcdGateway: Sendable {
    /// The `op` label of `sluice_metadata_store_request_seconds`.
    enum Op: String, CaseIterable, Sendable {
        case get, txn, keepalive, watch
    }

    /// Bound: connections per endpoint (watches and session watches included); further requests queue.
    static let connectionsPerEndpointMax = 64

    let endpoints: [String]
    let client: HTTPClient
    let requestTimeout: Duration
    private let metrics: MetadataStoreMetrics?
    private let logger: Logger
    /// The index of the endpoint that answered last.
    private let current = Mutex<Int>(0)

    init(endpoints: [String], requestTimeout: Duration, metrics: MetadataStoreMetrics?, logger: Logger) {
        precondition(!endpoints.isEmpty, "etcd needs at least one endpoint")
        self.endpoints = endpoints
        self.requestTimeout = requestTimeout
        self.metrics = metrics
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        // Fail a request at once when its endpoint refuses the connection, so the next endpoint is tried.
        configuration.connectionPool.retryConnectionEstablishment = false
        // Each open watch holds a connection (HTTP/1.1): leave room for requests beside them.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.connectionsPerEndpointMax
        configuration.timeout = .init(connect: .nanoseconds(Int64(requestTimeout.nanoseconds)))
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// POSTs `body` to `path` and decodes the 200 reply as `Reply`. A non-200 reply is `.unavailable` with the
    /// gateway's error message unless `refusal` maps it (e.g. "lease not found" → `.sessionExpired`).
    func post<Reply: Decodable>(
        _ path: String, _ body: Data, op: Op, as type: Reply.Type,
        refusal: (EtcdWire.ErrorReply) -> MetadataError? = { _ in nil }
    ) async throws(MetadataError) -> Reply {
        let started = ContinuousClock.now
        let (status, data) = try await send(path, body)
        metrics?.observe(op: op, duration: ContinuousClock.now - started)
        guard status == .ok else {
            let reply = (try? EtcdWire.decoder().decode(EtcdWire.ErrorReply.self, from: data))
                ?? EtcdWire.ErrorReply(error: String(decoding: data.prefix(200), as: UTF8.self))
            if let mapped = refusal(reply) { throw mapped }
            metrics?.requestFailed()
            throw .unavailable("etcd refused \(path): \(reply.text) (HTTP \(status.code))")
        }
        metrics?.requestSucceeded()
        // A stream endpoint (keepalive) answers with one JSON object per line; the first is the reply.
        let first = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).first ?? data[...]
        do { return try EtcdWire.decoder().decode(Reply.self, from: Data(first)) } catch {
            throw .corrupt("etcd's reply to \(path) is not what etcd 3.4 sends: \(error)")
        }
    }

    /// Sends to the sticky endpoint first, then each other one in order, until one answers.
    private func send(_ path: String, _ body: Data) async throws(MetadataError) -> (HTTPResponseStatus, Data) {
        let first = current.withLock { $0 }
        var failures: [String] = []
        for step in 0..<endpoints.count {
            let index = (first + step) % endpoints.count
            do {
                let response = try await client.execute(
                    request(endpoints[index], path, body), deadline: .now() + timeAmount(requestTimeout),
                    logger: logger)
                let buffer = try await response.body.collect(upTo: 64 << 20)
                if index != first {
                    current.withLock { $0 = index }
                    logger.notice("etcd: moved to endpoint \(endpoints[index])")
                }
                return (response.status, Data(buffer.readableBytesView))
            } catch {
                failures.append(Self.describe(error, timeout: requestTimeout))
            }
        }
        metrics?.requestFailed()
        throw .unavailable(Self.unreachable(endpoints, failures))
    }

    /// Opens a streaming POST (a watch) on the first endpoint that accepts it; the caller reads the body.
    func open(_ path: String, _ body: Data) async throws(MetadataError) -> HTTPClientResponse {
        let first = current.withLock { $0 }
        var failures: [String] = []
        for step in 0..<endpoints.count {
            let index = (first + step) % endpoints.count
            do {
                let response = try await client.execute(
                    request(endpoints[index], path, body), deadline: .distantFuture, logger: logger)
                guard response.status == .ok else {
                    failures.append("HTTP \(response.status.code)")
                    continue
                }
                if index != first { current.withLock { $0 = index } }
                return response
            } catch {
                failures.append(Self.describe(error, timeout: requestTimeout))
            }
        }
        metrics?.requestFailed()
        throw .unavailable(Self.unreachable(endpoints, failures))
    }

    /// Records a round trip that started at `started` (a watch's creation).
    func observe(op: Op, since started: ContinuousClock.Instant) {
        metrics?.observe(op: op, duration: ContinuousClock.now - started)
        metrics?.requestSucceeded()
    }

    func shutdown() async {
        do { try await client.shutdown() } catch {
            logger.warning("etcd: HTTP client shutdown: \(error)")
        }
    }

    private func request(_ endpoint: String, _ path: String, _ body: Data) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "http://\(endpoint)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    /// "etcd at a:1, b:2 is unreachable: connection refused" (the distinct causes, in endpoint order).
    static func unreachable(_ endpoints: [String], _ failures: [String]) -> String {
        var causes: [String] = []
        for failure in failures where !causes.contains(failure) { causes.append(failure) }
        return "etcd at \(endpoints.joined(separator: ", ")) is unreachable: \(causes.joined(separator: "; "))"
    }

    /// A short cause for an HTTP client error: "connection refused", "no answer within 5 s", …
    static func describe(_ error: any Error, timeout: Duration) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED")
            || text.contains("errno: 111")
        {
            return "connection refused"
        }
        if let client = error as? HTTPClientError,
            client == .deadlineExceeded || client == .connectTimeout || client == .readTimeout
        {
            return "no answer within \(timeout)"
        }
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") { return "no answer within \(timeout)" }
        return text
    }

    private func timeAmount(_ duration: Duration) -> TimeAmount { .nanoseconds(Int64(duration.nanoseconds)) }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}
