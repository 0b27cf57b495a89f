#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The producer's two clocks, injected so tests decide what time it is (style: never `Date()` in logic).
///
/// Decisions (linger, backoff, delivery timeout) use the monotonic clock; record timestamps (CreateTime)
/// use the wall clock, as Kafka's `System.currentTimeMillis()` does.
protocol ProducerClock: Sendable {
    /// Monotonic nanoseconds (CLOCK_MONOTONIC); only differences mean anything.
    func monotonicNanos() -> Int64
    /// Milliseconds since the Unix epoch (CLOCK_REALTIME), for record timestamps.
    func wallClockMs() -> Int64
}

/// The system's clocks through `clock_gettime` (vDSO, tens of nanoseconds, no allocation).
struct SystemProducerClock: ProducerClock {
    /// CLOCK_MONOTONIC in nanoseconds.
    func monotonicNanos() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// CLOCK_REALTIME in milliseconds.
    func wallClockMs() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000 + Int64(time.tv_nsec) / 1_000_000
    }
}
