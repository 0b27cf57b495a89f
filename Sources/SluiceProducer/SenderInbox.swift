import Synchronization

/// Events for the sender's loop, posted from any thread; each post wakes the loop.
/// Bound: in-flight requests + side jobs (each posts once).
final class SenderInbox: Sendable {
    private let events = Mutex<[SenderEvent]>([])
    private let wakeup: SenderWakeup

    init(wakeup: SenderWakeup) {
        self.wakeup = wakeup
    }

    /// Queues `event` and wakes the loop.
    func post(_ event: SenderEvent) {
        events.withLock { $0.append(event) }
        wakeup.signal()
    }

    /// Everything posted so far, oldest first.
    func takeAll() -> [SenderEvent] {
        events.withLock { events in
            guard !events.isEmpty else { return [] }
            defer { events.removeAll(keepingCapacity: true) }
            return events
        }
    }
}
