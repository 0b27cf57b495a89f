import Foundation
import Synchronization

/// Where a log runs the calls that can block for milliseconds after an append — the fsync of a rolled
/// segment, a flush that `log.flush.interval.messages`/`.ms` asks for, checkpoint writes — so the produce
/// request's task never waits on one (Kafka flushes a rolled segment asynchronously too). The server passes
/// its `num.io.threads` pool; without one (tools, unit tests) the work runs inline on the caller's thread.
///
/// `submit` must run the closure exactly once, eventually (on a stopped pool: inline is fine).
public struct BlockingIO: Sendable {
    let submit: @Sendable (@escaping @Sendable () -> Void) -> Void

    public init(submit: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void) {
        self.submit = submit
    }

    /// Runs `work` there and waits for it without holding a thread of the cooperative pool.
    public func run(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            submit {
                work()
                done.resume()
            }
        }
    }
}

/// Tests only: `SLUICED_TEST_FSYNC_DELAY_MS=<ms>` makes every segment fsync of a flush or roll sleep that long
/// first (a slow disk; device-mapper `delay` is not available on the machines that run the tests). Checkpoint
/// and snapshot writes are not delayed, so start-up stays fast. Unset in production: one load of a constant.
enum FsyncFault {
    static let delayMs: Int? = ProcessInfo.processInfo.environment["SLUICED_TEST_FSYNC_DELAY_MS"].flatMap(Int.init)

    /// Sleeps the calling thread for the injected delay, if any; the line on stderr tells the test when.
    static func delayIfAsked() {
        guard let delayMs, delayMs > 0 else { return }
        FileHandle.standardError.write(Data("sluiced: SLUICED_TEST_FSYNC_DELAY_MS=\(delayMs): fsync delayed\n".utf8))
        usleep(useconds_t(min(delayMs, 60_000)) * 1000)
    }
}
