import Foundation
import Logging
import Prometheus
import SluiceCluster
import SluiceTestSupport
import SluiceWire
import Testing

/// Which store a contract test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case embedded, etcd

    var testDescription: String { rawValue }
}

/// Runs `body` with an etcd store over a fresh real etcd (see `EtcdProcess`), shut down afterwards.
func withEtcdStore<T>(
    metrics: MetadataStoreMetrics? = nil, requestTimeout: Duration = .seconds(5),
    _ body: (EtcdMetadataStore, EtcdProcess) async throws -> T
) async throws -> T {
    let etcd = try await EtcdProcess()
    let store = try await EtcdMetadataStore(
        endpoints: [etcd.endpoint], clusterId: "c", metrics: metrics, logger: Logger(label: "etcd-test"),
        requestTimeout: requestTimeout)
    do {
        let result = try await body(store, etcd)
        await store.shutdown()
        return result
    } catch {
        await store.shutdown()
        throw error
    }
}

/// Runs `body` with a store of `kind`: the embedded one in a temporary directory, or etcd.
func withStore<T>(_ kind: StoreKind, _ body: (any MetadataStore) async throws -> T) async throws -> T {
    switch kind {
    case .embedded:
        try await withTemporaryDirectory { directory in
            try await body(try EmbeddedMetadataStore(directory: directory, clusterId: "c"))
        }
    case .etcd:
        try await withEtcdStore { store, _ in try await body(store) }
    }
}

/// The first value of `stream`, or nil when it finishes first or `deadline` passes.
func first<Element: Sendable>(of stream: AsyncStream<Element>, within deadline: Duration) async -> Element? {
    await withTaskGroup(of: Element?.self) { group in
        group.addTask {
            for await element in stream { return element }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: deadline)
            return nil
        }
        let value = await group.next() ?? nil
        group.cancelAll()
        return value
    }
}

/// The first `count` events of `stream`, waiting at most `deadline` in all.
func collect(
    _ count: Int, from stream: AsyncStream<MetadataWatchEvent>, within deadline: Duration
) async -> [MetadataWatchEvent] {
    await withTaskGroup(of: [MetadataWatchEvent].self) { group in
        group.addTask { await collect(count, from: stream) }
        group.addTask {
            try? await Task.sleep(for: deadline)
            return []
        }
        let events = await group.next() ?? []
        group.cancelAll()
        return events
    }
}

/// The changes of `events`, dropping `.compacted`.
func changes(_ events: [MetadataWatchEvent]) -> [MetadataEvent] {
    events.compactMap { event in
        guard case .change(let change) = event else { return nil }
        return change
    }
}

/// Runs `etcdctl` against `etcd` (e.g. `compact 7`), failing on a non-zero exit.
func etcdctl(_ etcd: EtcdProcess, _ arguments: [String]) throws -> String {
    let result = try TestTools.run("/usr/bin/etcdctl", ["--endpoints", "http://\(etcd.endpoint)"] + arguments)
    guard result.status == 0 else { throw EtcdProcess.StartError(description: "etcdctl: \(result.output)") }
    return result.output
}

extension Sequence where Element: Sendable {
    /// `transform` of each element, one after another.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
