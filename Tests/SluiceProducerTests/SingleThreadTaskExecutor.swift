import Foundation

/// A `TaskExecutor` with one thread of its own: under `withTaskExecutorPreference(executor)` every job of
/// the task runs on that thread — before and after any suspension — and no other task's job does, unless
/// it asks for this executor too. The allocation tests use it to count a `send` loop with the calling
/// thread's malloc counter, excluding what the producer's sender and the test runner allocate meanwhile.
///
/// Queueing and running a job allocate nothing while at most `capacity` jobs wait: the queue is a ring over
/// storage allocated up front, touched only through pointer arithmetic (a debug build's generic `Array`
/// calls such as `removeFirst()` allocate temporaries: measured 2 per job). So the executor adds nothing to
/// a measurement, even when the measured code suspends.
final class SingleThreadTaskExecutor: TaskExecutor, @unchecked Sendable {
    /// Guards every stored `var` below; signalled on enqueue, on stop and once the thread runs.
    private let condition = NSCondition()
    private var ring: UnsafeMutablePointer<UnownedJob>
    private var capacity: Int
    /// Index of the oldest queued job in `ring`, and how many are queued.
    private var head = 0
    private var queued = 0
    private var isStopping = false
    private var threadID: pthread_t?

    /// Starts the thread; returns once it runs.
    init(name: String, capacity: Int = 64) {
        precondition(capacity > 0, "a job queue needs room for one job")
        self.capacity = capacity
        ring = .allocate(capacity: capacity)
        // The thread holds the executor until `shutdown()` lets its loop end.
        let worker = Thread { self.runLoop() }
        worker.name = name
        worker.start()
        condition.lock()
        while threadID == nil { condition.wait() }
        condition.unlock()
    }

    deinit {
        // UnownedJob is trivial: a job left queued (never, after shutdown) needs no deinitialization.
        ring.deallocate()
    }

    /// Whether the caller runs on this executor's thread.
    var isCurrent: Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let threadID else { return false }
        return pthread_equal(threadID, pthread_self()) != 0
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        precondition(!isStopping, "a job was enqueued on a stopped SingleThreadTaskExecutor")
        if queued == capacity { grow() }
        (ring + (head + queued) % capacity).initialize(to: job)
        queued += 1
        condition.signal()
        condition.unlock()
    }

    /// Runs what is queued, then ends the thread. Call once nothing runs on the executor any more.
    func shutdown() {
        condition.lock()
        isStopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// The thread's body: run jobs in order until stopped and drained. Bounded by `shutdown()`.
    private func runLoop() {
        condition.lock()
        threadID = pthread_self()
        condition.broadcast()
        while true {
            while queued == 0 && !isStopping { condition.wait() }
            guard queued > 0 else { break }
            let job = (ring + head).move()
            head = (head + 1) % capacity
            queued -= 1
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
            condition.lock()
        }
        condition.unlock()
    }

    /// Doubles the ring (allocates: only when more than `capacity` jobs wait). Caller holds the lock.
    private func grow() {
        let larger = UnsafeMutablePointer<UnownedJob>.allocate(capacity: capacity * 2)
        for offset in 0..<queued { (larger + offset).initialize(to: (ring + (head + offset) % capacity).move()) }
        ring.deallocate()
        ring = larger
        head = 0
        capacity *= 2
    }
}
