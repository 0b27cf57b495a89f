/// The `acks` label of produce metrics: the three settings Kafka allows (`acks=-1` is reported as `all`).
public enum ProduceAcks: String, Sendable, CaseIterable {
    /// `acks=0`: no response is sent.
    case none = "0"
    /// `acks=1`: respond after the leader's append.
    case leader = "1"
    /// `acks=all` / `-1`: respond once the high watermark passes the batch.
    case all = "all"

    /// The label for a wire `acks` value: 0, 1, or -1 (all). Nil for any other value (the request is
    /// refused as invalid and not counted under a made-up label).
    public init?(wireValue: Int16) {
        switch wireValue {
        case 0: self = .none
        case 1: self = .leader
        case -1: self = .all
        default: return nil
        }
    }
}
