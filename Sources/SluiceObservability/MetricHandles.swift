import Synchronization

/// Metric handles by label key — a topic, a topic-partition, a broker id — each made on the first call for
/// its key and the same object afterwards, so a hot path keeps its handle and never looks a series up by
/// label. One lock covers the get-or-create and the removals; a handle is made (its series registered)
/// inside it, once per key, never per record.
///
/// Bound: one handle per key the owner asks for; owners remove keys that go away (a deleted topic).
public final class MetricHandles<Key: Hashable & Sendable, Handle: Sendable>: Sendable {
    private let handles = Mutex<[Key: Handle]>([:])

    /// An empty map.
    public init() {}

    /// The handle of `key`: made by `make` on the first call, the same one on later calls.
    public func handle(_ key: Key, orMake make: () -> Handle) -> Handle {
        handles.withLock { handles in
            if let existing = handles[key] {
                return existing
            }
            let created = make()
            handles[key] = created
            return created
        }
    }

    /// Removes and returns the handle of `key`; nil when there is none.
    public func remove(_ key: Key) -> Handle? {
        handles.withLock { $0.removeValue(forKey: key) }
    }

    /// Removes and returns every handle whose key `matches` (e.g. a deleted topic's partitions).
    public func removeAll(where matches: (Key) -> Bool) -> [Handle] {
        handles.withLock { handles in
            let removed = handles.filter { matches($0.key) }
            for key in removed.keys {
                handles.removeValue(forKey: key)
            }
            assert(!handles.keys.contains(where: matches), "a matching handle survived removal")
            return Array(removed.values)
        }
    }
}
