import CProtobufC
import CSluiceProto

// RequestFrame and ResponseFrame: the envelope (correlation id, client id or error) and the oneof that names
// the API. Each API's body is a `WireMessage` in the file of its area (WireCodec+Metadata, +Produce, +Fetch,
// +Offsets); adding an API adds one case to each switch here.

// MARK: requests

extension WireCodec {
    /// The C frame of `request`, every pointer owned by `arena` (or by a `ByteBuffer` it retains).
    static func makeRequestFrame(_ request: Request, arena: WireArena) -> UnsafeMutablePointer<Sluice__RequestFrame> {
        let frame: UnsafeMutablePointer<Sluice__RequestFrame> = arena.message(sluice__request_frame__init)
        frame.pointee.correlation_id = request.correlationId
        frame.pointee.client_id = arena.cString(request.clientId)
        setBody(request.body, of: frame, arena: arena)
        assert(frame.pointee.body_case != SLUICE__REQUEST_FRAME__BODY__NOT_SET, "every request has a body")
        return frame
    }

    /// Sets the frame's oneof: the case and its message.
    private static func setBody(
        _ body: RequestBody, of frame: UnsafeMutablePointer<Sluice__RequestFrame>, arena: WireArena
    ) {
        switch body {
        case .metadata(let request):
            frame.setOneof(SLUICE__REQUEST_FRAME__BODY_METADATA, \.metadata, arena.message(request))
        case .createTopics(let request):
            frame.setOneof(SLUICE__REQUEST_FRAME__BODY_CREATE_TOPICS, \.create_topics, arena.message(request))
        case .deleteTopics(let request):
            frame.setOneof(SLUICE__REQUEST_FRAME__BODY_DELETE_TOPICS, \.delete_topics, arena.message(request))
        case .describeCluster:
            // An empty message, but the pointer must be set or protobuf-c omits the field (and the API with it).
            let message = arena.message(sluice__describe_cluster_request__init)
            frame.setOneof(SLUICE__REQUEST_FRAME__BODY_DESCRIBE_CLUSTER, \.describe_cluster, message)
        case .describeTopics(let request):
            frame.setOneof(SLUICE__REQUEST_FRAME__BODY_DESCRIBE_TOPICS, \.describe_topics, arena.message(request))
        case .produce(let request):
            frame.setOneof(SLUICE__REQUEST_FRAME__BODY_PRODUCE, \.produce, arena.message(request))
        case .fetch(let request): frame.setOneof(SLUICE__REQUEST_FRAME__BODY_FETCH, \.fetch, arena.message(request))
        case .listOffsets(let request):
            frame.setOneof(SLUICE__REQUEST_FRAME__BODY_LIST_OFFSETS, \.list_offsets, arena.topicList(request.topics))
        case .initProducerId(let request):
            frame.setOneof(SLUICE__REQUEST_FRAME__BODY_INIT_PRODUCER_ID, \.init_producer_id, arena.message(request))
        case .offsetForLeaderEpoch(let request):
            frame.setOneof(
                SLUICE__REQUEST_FRAME__BODY_OFFSET_FOR_LEADER_EPOCH, \.offset_for_leader_epoch, arena.message(request))
        case .electLeaders(let request):
            frame.setOneof(SLUICE__REQUEST_FRAME__BODY_ELECT_LEADERS, \.elect_leaders, arena.message(request))
        case .controlledShutdown(let request):
            frame.setOneof(
                SLUICE__REQUEST_FRAME__BODY_CONTROLLED_SHUTDOWN, \.controlled_shutdown, arena.message(request))
        }
    }

    /// Copies an unpacked frame into a `Request`. Every error carries the frame's correlation id and
    /// `.invalidRequest`, so the broker can answer it.
    static func request(from frame: Sluice__RequestFrame) throws(DecodeError) -> Request {
        do {
            let clientId = try string(frame.client_id, field: "client_id")
            return Request(correlationId: frame.correlation_id, clientId: clientId, body: try requestBody(of: frame))
        } catch {
            throw DecodeError(correlationId: frame.correlation_id, code: .invalidRequest, message: error.message)
        }
    }

    /// The frame's oneof as a `RequestBody`; NOT_SET (or a case this build does not know) is an error.
    private static func requestBody(of frame: Sluice__RequestFrame) throws(DecodeError) -> RequestBody {
        switch frame.body_case {
        case SLUICE__REQUEST_FRAME__BODY_METADATA: return .metadata(try body(frame.metadata))
        case SLUICE__REQUEST_FRAME__BODY_CREATE_TOPICS: return .createTopics(try body(frame.create_topics))
        case SLUICE__REQUEST_FRAME__BODY_DELETE_TOPICS: return .deleteTopics(try body(frame.delete_topics))
        case SLUICE__REQUEST_FRAME__BODY_DESCRIBE_CLUSTER:
            _ = try required(frame.describe_cluster)
            return .describeCluster
        case SLUICE__REQUEST_FRAME__BODY_DESCRIBE_TOPICS: return .describeTopics(try body(frame.describe_topics))
        case SLUICE__REQUEST_FRAME__BODY_PRODUCE: return .produce(try body(frame.produce))
        case SLUICE__REQUEST_FRAME__BODY_FETCH: return .fetch(try body(frame.fetch))
        case SLUICE__REQUEST_FRAME__BODY_LIST_OFFSETS:
            return .listOffsets(ListOffsetsRequest(topics: try topicList(frame.list_offsets)))
        case SLUICE__REQUEST_FRAME__BODY_INIT_PRODUCER_ID: return .initProducerId(try body(frame.init_producer_id))
        case SLUICE__REQUEST_FRAME__BODY_OFFSET_FOR_LEADER_EPOCH:
            return .offsetForLeaderEpoch(try body(frame.offset_for_leader_epoch))
        case SLUICE__REQUEST_FRAME__BODY_ELECT_LEADERS: return .electLeaders(try body(frame.elect_leaders))
        case SLUICE__REQUEST_FRAME__BODY_CONTROLLED_SHUTDOWN:
            return .controlledShutdown(try body(frame.controlled_shutdown))
        default: throw fieldError("unknown or missing API")
        }
    }
}

// MARK: responses

extension WireCodec {
    /// The C frame of `response`, every pointer owned by `arena` (or by a `ByteBuffer` it retains).
    static func makeResponseFrame(
        _ response: Response, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__ResponseFrame> {
        let frame: UnsafeMutablePointer<Sluice__ResponseFrame> = arena.message(sluice__response_frame__init)
        frame.pointee.correlation_id = response.correlationId
        frame.pointee.error_code = wireErrorCode(response.errorCode)
        frame.pointee.error_message = arena.cString(response.errorMessage)
        setBody(response.body, of: frame, arena: arena)
        return frame
    }

    /// Sets the frame's oneof: the case and its message; `.none` leaves it NOT_SET.
    private static func setBody(
        _ body: ResponseBody, of frame: UnsafeMutablePointer<Sluice__ResponseFrame>, arena: WireArena
    ) {
        switch body {
        case .none: frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY__NOT_SET
        case .metadata(let response):
            frame.setOneof(SLUICE__RESPONSE_FRAME__BODY_METADATA, \.metadata, arena.message(response))
        case .createTopics(let response):
            frame.setOneof(
                SLUICE__RESPONSE_FRAME__BODY_CREATE_TOPICS, \.create_topics, arena.topicList(response.topics))
        case .deleteTopics(let response):
            frame.setOneof(
                SLUICE__RESPONSE_FRAME__BODY_DELETE_TOPICS, \.delete_topics, arena.topicList(response.topics))
        case .describeCluster(let response):
            frame.setOneof(SLUICE__RESPONSE_FRAME__BODY_DESCRIBE_CLUSTER, \.describe_cluster, arena.message(response))
        case .describeTopics(let response):
            frame.setOneof(
                SLUICE__RESPONSE_FRAME__BODY_DESCRIBE_TOPICS, \.describe_topics, arena.topicList(response.topics))
        case .produce(let response):
            frame.setOneof(SLUICE__RESPONSE_FRAME__BODY_PRODUCE, \.produce, arena.topicList(response.topics))
        case .fetch(let response):
            frame.setOneof(SLUICE__RESPONSE_FRAME__BODY_FETCH, \.fetch, arena.topicList(response.topics))
        case .listOffsets(let response):
            frame.setOneof(SLUICE__RESPONSE_FRAME__BODY_LIST_OFFSETS, \.list_offsets, arena.topicList(response.topics))
        case .initProducerId(let response):
            frame.setOneof(SLUICE__RESPONSE_FRAME__BODY_INIT_PRODUCER_ID, \.init_producer_id, arena.message(response))
        case .offsetForLeaderEpoch(let response):
            let message: UnsafeMutablePointer<Sluice__OffsetForLeaderEpochResponse> = arena.topicList(response.topics)
            frame.setOneof(SLUICE__RESPONSE_FRAME__BODY_OFFSET_FOR_LEADER_EPOCH, \.offset_for_leader_epoch, message)
        case .electLeaders(let response):
            frame.setOneof(SLUICE__RESPONSE_FRAME__BODY_ELECT_LEADERS, \.elect_leaders, arena.message(response))
        case .controlledShutdown(let response):
            frame.setOneof(
                SLUICE__RESPONSE_FRAME__BODY_CONTROLLED_SHUTDOWN, \.controlled_shutdown, arena.message(response))
        }
    }

    /// Copies an unpacked frame into a `Response`. Every error carries the frame's correlation id and
    /// `.corruptMessage` (the peer sent something that is not a valid response).
    static func response(from frame: Sluice__ResponseFrame) throws(DecodeError) -> Response {
        do {
            return Response(
                correlationId: frame.correlation_id, errorCode: errorCode(frame.error_code),
                errorMessage: try string(frame.error_message, field: "ResponseFrame.error_message"),
                body: try responseBody(of: frame))
        } catch {
            throw DecodeError(correlationId: frame.correlation_id, code: .corruptMessage, message: error.message)
        }
    }

    /// The frame's oneof as a `ResponseBody`; NOT_SET (or a case this build does not know) is `.none`.
    private static func responseBody(of frame: Sluice__ResponseFrame) throws(DecodeError) -> ResponseBody {
        switch frame.body_case {
        case SLUICE__RESPONSE_FRAME__BODY_METADATA: return .metadata(try body(frame.metadata))
        case SLUICE__RESPONSE_FRAME__BODY_CREATE_TOPICS:
            return .createTopics(TopicResultsResponse(topics: try topicList(frame.create_topics)))
        case SLUICE__RESPONSE_FRAME__BODY_DELETE_TOPICS:
            return .deleteTopics(TopicResultsResponse(topics: try topicList(frame.delete_topics)))
        case SLUICE__RESPONSE_FRAME__BODY_DESCRIBE_CLUSTER: return .describeCluster(try body(frame.describe_cluster))
        case SLUICE__RESPONSE_FRAME__BODY_DESCRIBE_TOPICS:
            return .describeTopics(DescribeTopicsResponse(topics: try topicList(frame.describe_topics)))
        case SLUICE__RESPONSE_FRAME__BODY_PRODUCE:
            return .produce(ProduceResponse(topics: try topicList(frame.produce)))
        case SLUICE__RESPONSE_FRAME__BODY_FETCH: return .fetch(FetchResponse(topics: try topicList(frame.fetch)))
        case SLUICE__RESPONSE_FRAME__BODY_LIST_OFFSETS:
            return .listOffsets(ListOffsetsResponse(topics: try topicList(frame.list_offsets)))
        case SLUICE__RESPONSE_FRAME__BODY_INIT_PRODUCER_ID: return .initProducerId(try body(frame.init_producer_id))
        case SLUICE__RESPONSE_FRAME__BODY_OFFSET_FOR_LEADER_EPOCH:
            let topics: [OffsetForLeaderEpochTopicResponse] = try topicList(frame.offset_for_leader_epoch)
            return .offsetForLeaderEpoch(OffsetForLeaderEpochResponse(topics: topics))
        case SLUICE__RESPONSE_FRAME__BODY_ELECT_LEADERS: return .electLeaders(try body(frame.elect_leaders))
        case SLUICE__RESPONSE_FRAME__BODY_CONTROLLED_SHUTDOWN:
            return .controlledShutdown(try body(frame.controlled_shutdown))
        default: return .none
        }
    }
}

// MARK: oneof

/// RequestFrame and ResponseFrame: the API's message in a oneof, named by `body_case`.
private protocol ProtobufCFrame {
    associatedtype BodyCase
    var body_case: BodyCase { get set }
}

extension Sluice__RequestFrame: ProtobufCFrame {}
extension Sluice__ResponseFrame: ProtobufCFrame {}

extension UnsafeMutablePointer where Pointee: ProtobufCFrame {
    /// Sets the oneof: its case and its message together, so the two cannot disagree.
    fileprivate func setOneof<Message>(
        _ bodyCase: Pointee.BodyCase, _ field: WritableKeyPath<Pointee, UnsafeMutablePointer<Message>?>,
        _ message: UnsafeMutablePointer<Message>
    ) {
        pointee.body_case = bodyCase
        pointee[keyPath: field] = message
    }
}
