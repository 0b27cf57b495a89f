#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pipe whose read end becomes readable once `signal()` is called: it lets another thread wake a
/// poll(2) that waits on stdin (the self-pipe trick). Level-triggered: it stays readable afterwards, so
/// every later poll returns at once too.
///
/// Owns both descriptors and closes them in deinit.
final class WakePipe: Sendable {
    /// Why the pipe could not be created.
    struct CreateError: Error, CustomStringConvertible {
        let errnoCode: Int32
        var description: String { "cannot create a pipe: \(String(cString: strerror(errnoCode)))" }
    }

    /// Poll this for POLLIN.
    let descriptor: Int32
    private let writeDescriptor: Int32

    init() throws(CreateError) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw CreateError(errnoCode: errno) }
        precondition(descriptors[0] >= 0 && descriptors[1] >= 0, "pipe(2) returned descriptors")
        self.descriptor = descriptors[0]
        self.writeDescriptor = descriptors[1]
    }

    deinit {
        close(descriptor)
        close(writeDescriptor)
    }

    /// Makes `descriptor` readable. One byte into an empty pipe never blocks; callers signal once or a few
    /// times, far below the pipe's capacity.
    func signal() {
        var byte: UInt8 = 1
        // Bounded: retries only after EINTR.
        while write(writeDescriptor, &byte, 1) < 0 && errno == EINTR {}
    }
}
