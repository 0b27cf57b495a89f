import CSluiceProto

// The controller's requests through protobuf-c: ElectLeaders and ControlledShutdown, each model ⇄ its message.

// MARK: ElectLeaders

extension ElectLeadersRequest: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__ElectLeadersRequest>, arena: WireArena) {
        (message.pointee.n_topics, message.pointee.topics) = arena.cStrings(topics)
    }

    init(unpacked message: Sluice__ElectLeadersRequest) throws(DecodeError) {
        self.init(topics: try WireCodec.strings(count: message.n_topics, message.topics, field: "ElectLeadersRequest.topics"))
    }
}

extension ElectionResult: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__ElectionResult>, arena: WireArena) {
        message.pointee.topic = arena.cString(topic)
        message.pointee.partition = partition
        message.pointee.leader = leader
        message.pointee.leader_epoch = leaderEpoch
        message.pointee.previous_leader = previousLeader
    }

    init(unpacked message: Sluice__ElectionResult) throws(DecodeError) {
        self.init(
            topic: try WireCodec.string(message.topic, field: "ElectionResult.topic"), partition: message.partition,
            leader: message.leader, leaderEpoch: message.leader_epoch, previousLeader: message.previous_leader)
    }
}

extension ElectLeadersResponse: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__ElectLeadersResponse>, arena: WireArena) {
        message.pointee.error_code = WireCodec.wireErrorCode(errorCode)
        message.pointee.error_message = arena.cString(errorMessage)
        (message.pointee.n_elections, message.pointee.elections) = arena.messages(elections)
    }

    init(unpacked message: Sluice__ElectLeadersResponse) throws(DecodeError) {
        self.init(
            errorCode: WireCodec.errorCode(message.error_code),
            errorMessage: try WireCodec.string(message.error_message, field: "ElectLeadersResponse.error_message"),
            elections: try WireCodec.messages(count: message.n_elections, message.elections))
    }
}

// MARK: ControlledShutdown

extension ControlledShutdownRequest: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__ControlledShutdownRequest>, arena: WireArena) {
        message.pointee.broker_id = brokerId
    }

    init(unpacked message: Sluice__ControlledShutdownRequest) {
        self.init(brokerId: message.broker_id)
    }
}

extension ControlledShutdownResponse: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__ControlledShutdownResponse>, arena: WireArena) {
        message.pointee.error_code = WireCodec.wireErrorCode(errorCode)
        message.pointee.error_message = arena.cString(errorMessage)
        message.pointee.remaining_partitions = remainingPartitions
    }

    init(unpacked message: Sluice__ControlledShutdownResponse) throws(DecodeError) {
        self.init(
            errorCode: WireCodec.errorCode(message.error_code),
            errorMessage: try WireCodec.string(
                message.error_message, field: "ControlledShutdownResponse.error_message"),
            remainingPartitions: message.remaining_partitions)
    }
}
