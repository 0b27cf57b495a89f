import Foundation

/// The counters of the malloc-counting `LD_PRELOAD` shim (`Tests/Support/malloccount.c`), found with `dlsym`
/// (RTLD_DEFAULT); nil when the shim is not preloaded.
///
/// Measure with `thread`, the calling thread's own count: other threads allocate at any time (the
/// producer's sender re-arming its linger sleep, Swift Testing, libdispatch), and a window over `total`
/// counts them too. `total` is the process-wide count, for reporting what other threads did.
enum MallocCounter {
    typealias Read = @convention(c) () -> Int

    /// Allocations made by the calling thread so far.
    static let thread: Read? = symbol("sluice_malloc_count_thread")
    /// Allocations made by every thread so far.
    static let total: Read? = symbol("sluice_malloc_count")

    /// Whether the shim is preloaded (both counters found).
    static var isAvailable: Bool { thread != nil && total != nil }

    private static func symbol(_ name: String) -> Read? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: Read.self)
    }
}
