import SluiceBroker
import Synchronization

/// The broker's request handler, once start-up has made it: the HTTP listener (and the gateway behind it)
/// starts before the logs are recovered, so what it needs of the broker arrives later. Set once.
final class HandlerSlot: Sendable {
    private let slot = Mutex<BrokerRequestHandler?>(nil)

    /// The handler, or nil while the broker is still starting.
    var handler: BrokerRequestHandler? { slot.withLock { $0 } }

    /// Publishes the handler; a second call is a bug.
    func set(_ handler: BrokerRequestHandler) {
        slot.withLock { current in
            precondition(current == nil, "the broker's handler is set once")
            current = handler
        }
    }
}
