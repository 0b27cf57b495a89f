/// A `flush()` or `close()` waiting for every batch created before it to complete.
///
/// Every incomplete batch at registration has an id up to `lastBatchId`; each completion of such a batch
/// lowers `remaining`, and the waiter resumes at zero (`true`) or when its timeout expires (`false`).
struct FlushWaiter {
    let id: UInt64
    let lastBatchId: UInt64
    var remaining: Int
    /// A flush makes every batch ready (reason `flush`) while it waits; a close does that through `isClosing`.
    let isFlush: Bool
    let continuation: CheckedContinuation<Bool, Never>
}
