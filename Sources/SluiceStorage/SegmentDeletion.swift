/// Files renamed `*.deleted` under the lock, to unlink once it is released.
struct SegmentDeletion: Sendable {
    var renamedPaths: [String] = []
    var bytes: Int64 = 0
    var count = 0
}
