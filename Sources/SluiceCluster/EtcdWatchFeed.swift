import AsyncHTTPClient
import Foundation
import Logging

/// Feeds one `watch(fromRevision:)` stream from a streaming `/v3/watch` response: signals `ready` once etcd
/// created the watch (or why it could not), then yields each response's changes in revision order until etcd
/// ends the stream, says the revision was compacted (`.compacted`, then finish), or the consumer falls
/// `EtcdMetadataStore.watchBufferLimit` events behind. Always finishes both continuations.
struct EtcdWatchFeed: Sendable {
    typealias Message = EtcdWire.StreamMessage<EtcdWire.WatchResponse>

    let gateway: EtcdGateway
    let keys: EtcdKeys
    let logger: Logger

    func run(
        body: Data, events: AsyncStream<MetadataWatchEvent>.Continuation,
        ready: AsyncStream<MetadataError?>.Continuation
    ) async {
        defer {
            events.finish()
            ready.finish()
        }
        let started = ContinuousClock.now
        let response: HTTPClientResponse
        do { response = try await gateway.open("/v3/watch", body) } catch {
            ready.yield(error)
            return
        }
        var reader = EtcdStreamReader<Message>(response.body)
        guard let first = await reader.next(), first.result?.created == true || Self.compacted(first) != nil else {
            ready.yield(.unavailable("etcd did not create the watch"))
            return
        }
        gateway.observe(op: .watch, since: started)
        ready.yield(nil)
        var message: Message? = first
        while let current = message, deliver(current, to: events) {
            message = await reader.next()
        }
    }

    /// Yields one response's changes; false when the stream must finish.
    private func deliver(_ message: Message, to events: AsyncStream<MetadataWatchEvent>.Continuation) -> Bool {
        guard let result = message.result else {
            logger.warning("etcd ended a watch: \(message.error?.text ?? "no result")")
            return false
        }
        if let oldest = Self.compacted(message) {
            events.yield(.compacted(oldestRevision: oldest))
            return false
        }
        guard result.canceled != true else { return false }
        let changes: [MetadataEvent]
        do { changes = try keys.changes(result.events ?? []) } catch {
            logger.error("etcd watch: \(error)")
            return false
        }
        for change in changes {
            if case .dropped = events.yield(.change(change)) { return false }
        }
        return true
    }

    private static func compacted(_ message: Message) -> Int64? {
        guard let revision = Int64(message.result?.compactRevision ?? ""), revision > 0 else { return nil }
        return revision
    }
}
