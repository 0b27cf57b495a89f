/// A write failure to simulate (tests only): write `bytesBeforeFailure` bytes, then fail with `errorNumber`.
struct WriteFault: Sendable, Hashable {
    var errorNumber: Int32
    var bytesBeforeFailure: Int
}
