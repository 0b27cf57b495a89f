import SluiceStorage
import SluiceWire

/// Why an append under the producer lock wrote nothing (or, for `.log` after a roll or flush, could not make
/// its bytes durable): the producer-state check refused it, or the log did.
enum IdempotentAppendError: Error, Sendable, Hashable {
    case refused(ProducerStateError)
    case log(AppendError)

    /// The Kafka error code the producer gets.
    var errorCode: ErrorCode {
        switch self {
        case .refused(let error): error.errorCode
        case .log(let error): error.errorCode
        }
    }
}
