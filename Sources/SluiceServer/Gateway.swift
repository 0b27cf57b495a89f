import Hummingbird
import Logging
import NIOCore
import SluiceObservability
import SluiceProducer
import Synchronization

/// The producer gateway: Confluent REST Proxy v2's produce call, `POST /topics/{topic}`, on the daemon's HTTP
/// listener, sending through the daemon's own `Producer` (accumulator, linger, acks, idempotence).
///
/// A request is checked in this order: `Content-Type` (415), `Content-Length` against
/// `gateway.max.request.bytes` (413, before reading), topic (404, 40401), body while reading (413), body shape
/// (422), explicit partitions (404, 40402). Then the records are handed to the producer with one async
/// `send(contentsOf:)` — so they share batches and one linger wait instead of queueing behind each other, and
/// the accumulator's lock is taken per leased batch, not per record — and the response waits
/// for every record's outcome (bounded by the producer's `delivery.timeout.ms`, and for a batch the broker
/// keeps refusing with a retriable error such as NOT_ENOUGH_REPLICAS by `gateway.retries`, default
/// `GatewayConfig.defaultRetries`) and answers 200 with one offsets entry per record, failed records included
/// (see `GatewayResponse`), each failure carrying the broker's last error.
final class Gateway: Sendable {
    /// The gateway's producer: raw key and value bytes, as the embedded formats produce them.
    typealias BytesProducer = Producer<[UInt8], [UInt8]>

    /// `Content-Type` of every gateway response (Confluent's v2 JSON).
    static let responseContentType = "application/vnd.kafka.v2+json"
    /// The route, a Hummingbird path with the topic as a parameter.
    static let route: RouterPath = "/topics/:topic"

    /// `gateway.max.request.bytes`.
    let requestBytesMax: Int
    let producer: BytesProducer
    let metrics: GatewayMetrics
    let topics: GatewayTopicLookup
    let logger: Logger
    /// Records of requests still waiting for their outcomes (the `STATUS=` line's gateway backlog): one atomic
    /// add and subtract per request, not per record.
    private let awaitingRecords = Atomic<Int>(0)

    init(
        requestBytesMax: Int, producer: BytesProducer, metrics: GatewayMetrics, topics: @escaping GatewayTopicLookup,
        logger: Logger
    ) {
        precondition(requestBytesMax > 0, "gateway.max.request.bytes must be positive")
        self.requestBytesMax = requestBytesMax
        self.producer = producer
        self.metrics = metrics
        self.topics = topics
        self.logger = logger
    }

    /// Adds `POST /topics/{topic}` to `router`.
    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post(Self.route) { request, context -> Response in
            await self.respond(to: request, context: context)
        }
    }

    /// Records handed to the producer whose requests have not been answered yet.
    var backlogRecords: Int { awaitingRecords.load(ordering: .relaxed) }

    /// Drains and closes the producer (records still buffered are sent, up to `timeout`). Call on shutdown
    /// while the broker still serves the native listener, since that is where the producer sends.
    func close(timeout: Duration) async {
        await producer.close(timeout: timeout)
    }

    /// Answers one produce request; every outcome, refusals included, is counted by status code.
    func respond(to request: Request, context: BasicRequestContext) async -> Response {
        let start = ContinuousClock.now
        let status: Int
        let body: String
        var headers = HTTPFields()
        headers[.contentType] = Self.responseContentType
        do {
            let topic = try Self.topicParameter(context)
            let outcomes = try await produce(request, topic: topic)
            status = 200
            body = GatewayResponse.offsets(outcomes)
        } catch {
            status = error.status
            body = GatewayResponse.error(error)
            // The refused body may be large and partly unread: tell the client this connection ends here, so
            // it stops sending (Hummingbird discards whatever still arrives rather than buffering it).
            if error.status == 413 { headers[.connection] = "close" }
            let metadata: Logger.Metadata = [
                "sluice.http.status": "\(error.status)", "sluice.gateway.error": "\(error.message)",
            ]
            if error.status >= 500 {
                logger.error("gateway request failed", metadata: metadata)
            } else {
                logger.debug("gateway refused a request", metadata: metadata)
            }
        }
        metrics.recordRequest(code: status, duration: ContinuousClock.now - start)
        return Response(
            status: Self.httpStatus(status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// The status with its standard reason phrase (`HTTPResponse.Status(code:)` would send none).
    static func httpStatus(_ code: Int) -> HTTPResponse.Status {
        switch code {
        case 200: .ok
        case 404: .notFound
        case 413: .contentTooLarge
        case 415: .unsupportedMediaType
        case 422: .unprocessableContent
        case 500: .internalServerError
        default: preconditionFailure("the gateway does not answer \(code)")
        }
    }

    /// Checks, parses and sends one request's records; returns their outcomes in record order.
    private func produce(_ request: Request, topic: String) async throws(GatewayError) -> [GatewayDeliveries.Outcome] {
        let format = try GatewayFormat(contentType: request.headers[.contentType])
        let declaredBytes = request.headers[.contentLength].flatMap { Int($0) }
        if let declaredBytes, declaredBytes > requestBytesMax {
            throw .tooLarge(limitBytes: requestBytesMax, declaredBytes: declaredBytes)
        }
        let partitionCount = try await partitionCount(of: topic)
        let body = try await collectBody(request)
        let records = try GatewayRequestParser.parse(body, format: format)
        for record in records {
            if let partition = record.partition, !(0..<Int64(partitionCount)).contains(partition) {
                throw .partitionNotFound(topic: topic, partition: partition, partitionCount: partitionCount)
            }
        }
        return await send(records, topic: topic)
    }

    /// The topic's partition count from the broker's metadata, or 404 / 500.
    private func partitionCount(of topic: String) async throws(GatewayError) -> Int32 {
        switch await topics(topic) {
        case .found(let partitionCount):
            precondition(partitionCount > 0, "topic \(topic) has no partitions")
            return partitionCount
        case .notFound: throw .topicNotFound(topic)
        case .unavailable(let reason): throw .metadataUnavailable(topic: topic, reason: reason)
        }
    }

    /// The whole body, refusing (413) as soon as it passes `gateway.max.request.bytes` — a body without a
    /// `Content-Length` (chunked) or one that lies about it is never held beyond the limit.
    private func collectBody(_ request: Request) async throws(GatewayError) -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: requestBytesMax)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw .tooLarge(limitBytes: requestBytesMax, declaredBytes: nil)
        } catch {
            throw .internalError("Reading the request body failed: \(error)")
        }
    }

    /// Hands the request's records to the producer with one call (`send(contentsOf:)`: the accumulator's lock
    /// per leased batch, not per record; waiting only for buffer memory, up to `max.block.ms` per record) and then
    /// waits for all their acknowledgements or failures, each record's outcome in its own slot (the call's
    /// per-position completion; a record that fails to be appended gets its error there and the others go
    /// on). Bound: each record completes within the producer's `delivery.timeout.ms` once appended, and an
    /// append waits at most `max.block.ms`.
    private func send(_ records: [GatewayRecord], topic: String) async -> [GatewayDeliveries.Outcome] {
        let deliveries = GatewayDeliveries(count: records.count)
        awaitingRecords.add(records.count, ordering: .relaxed)
        defer { awaitingRecords.subtract(records.count, ordering: .relaxed) }
        let producerRecords = records.map { record in
            // Range-checked against the topic already.
            ProducerRecord<[UInt8], [UInt8]>(
                topic: topic, partition: record.partition.map { Int32($0) }, key: record.key, value: record.value)
        }
        await producer.send(contentsOf: producerRecords) { index, outcome in deliveries.complete(index, outcome) }
        return await deliveries.outcomes()
    }

    private static func topicParameter(_ context: BasicRequestContext) throws(GatewayError) -> String {
        guard let topic = context.parameters.get("topic"), !topic.isEmpty else {
            throw .internalError("Route /topics/:topic matched without a topic")
        }
        return topic
    }
}
