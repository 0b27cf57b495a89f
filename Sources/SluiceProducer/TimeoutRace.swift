/// Runs `wait` and, after `timeout` or on cancellation, calls `expire`, which must make `wait` return
/// (resume its continuation with a time-out result). Returns what `wait` returned.
///
/// Used for the bounded waits of the producer: buffer memory (`max.block.ms`), `close(timeout:)`, the
/// sender's sleep until the next linger deadline. `expire` may run after `wait` already returned; it must
/// then do nothing.
func raceTimeout<Value: Sendable>(
    _ timeout: Duration, wait: @escaping @Sendable () async -> Value, expire: @escaping @Sendable () -> Void
) async -> Value {
    await withTaskGroup(of: Value?.self) { group in
        group.addTask { await wait() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            expire()
            return nil
        }
        while let next = await group.next() {
            if let value = next {
                group.cancelAll()
                return value
            }
        }
        preconditionFailure("the waiting child always returns a value once expired")
    }
}
