import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How far this broker acknowledged records to producers while it led a partition, per leader epoch: the
/// ground truth behind `sluice_log_truncated_acked_records_total` (acknowledged data lost in a truncation).
///
/// acks=1 moves an epoch's mark when the append returns (before the response), acks=all when the HW passed the
/// batch; acks=0 never. A truncated batch counts as acknowledged when its leader epoch is one this broker led and
/// its offsets lie below that epoch's mark.
///
/// Kept in `<partition dir>/acknowledged-offsets`, a 4 KiB file mapped `MAP_SHARED`: an update is a store into
/// the page cache — no syscall per produce — and survives `kill -9` (the kernel owns the page); a power loss may
/// lose the latest marks, which then count low. Bound: the newest ``capacity`` epochs led here.
final class AcknowledgedOffsets: @unchecked Sendable {
    /// File name in the partition directory.
    static let fileName = "acknowledged-offsets"
    /// Epochs remembered; older ones are forgotten (their records are long replicated or long gone).
    static let capacity = 200
    private static let magic: UInt32 = 0x534C_414B  // "SLAK"
    private static let fileBytes = 4096
    private static let headerBytes = 8  // magic, count
    private static let entryBytes = 16  // epoch (Int32), padding, end offset (Int64)

    /// The mapping (nil when the file could not be mapped: marks are then kept in memory only).
    private let base: UnsafeMutableRawPointer?
    private let lock = Mutex<[(epoch: Int32, end: Int64)]>([])

    /// Maps (creating it if needed) the file in `directory` and loads the marks it holds; a file that is not one
    /// (bad magic, impossible count) starts empty.
    init(directory: String) {
        let path = directory + "/" + Self.fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        var mapped: UnsafeMutableRawPointer?
        if descriptor >= 0 {
            if ftruncate(descriptor, off_t(Self.fileBytes)) == 0 {
                let pointer = mmap(nil, Self.fileBytes, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
                if pointer != MAP_FAILED { mapped = pointer }
            }
            close(descriptor)
        }
        base = mapped
        lock.withLock { $0 = Self.load(mapped) }
    }

    deinit {
        if let base { munmap(base, Self.fileBytes) }
    }

    private static func load(_ base: UnsafeMutableRawPointer?) -> [(epoch: Int32, end: Int64)] {
        guard let base, base.load(as: UInt32.self) == magic else { return [] }
        let count = Int(base.load(fromByteOffset: 4, as: Int32.self))
        guard (0...capacity).contains(count) else { return [] }
        return (0..<count).map { index in
            let offset = headerBytes + index * entryBytes
            return (base.load(fromByteOffset: offset, as: Int32.self), base.load(fromByteOffset: offset + 8, as: Int64.self))
        }
    }

    /// Records that offsets below `end` written at `epoch` were acknowledged to a producer.
    func acknowledge(upTo end: Int64, epoch: Int32) {
        lock.withLock { marks in
            if let index = marks.lastIndex(where: { $0.epoch == epoch }) {
                guard end > marks[index].end else { return }
                marks[index].end = end
                write(marks[index], at: index)
                return
            }
            marks.append((epoch, end))
            if marks.count > Self.capacity { marks.removeFirst(marks.count - Self.capacity) }
            writeAll(marks)
        }
    }

    /// Records of `batch` (offsets `baseOffset...lastOffset` at `epoch`) in `[from, to)` that were acknowledged.
    func acknowledgedRecords(baseOffset: Int64, lastOffset: Int64, epoch: Int32, from: Int64, to: Int64) -> Int64 {
        lock.withLock { marks in
            guard let mark = marks.last(where: { $0.epoch == epoch }) else { return 0 }
            let start = max(baseOffset, from)
            let end = min(lastOffset + 1, to, mark.end)
            return max(0, end - start)
        }
    }

    /// The log was cut at `offset`: marks beyond it shrink to it (those records are gone).
    func truncate(to offset: Int64) {
        lock.withLock { marks in
            var changed = false
            for index in marks.indices where marks[index].end > offset {
                marks[index].end = offset
                changed = true
            }
            if changed { writeAll(marks) }
        }
    }

    private func write(_ mark: (epoch: Int32, end: Int64), at index: Int) {
        guard let base else { return }
        let offset = Self.headerBytes + index * Self.entryBytes
        base.storeBytes(of: mark.epoch, toByteOffset: offset, as: Int32.self)
        base.storeBytes(of: mark.end, toByteOffset: offset + 8, as: Int64.self)
    }

    private func writeAll(_ marks: [(epoch: Int32, end: Int64)]) {
        guard let base else { return }
        precondition(marks.count <= Self.capacity, "acknowledged marks beyond capacity")
        for (index, mark) in marks.enumerated() { write(mark, at: index) }
        base.storeBytes(of: Int32(marks.count), toByteOffset: 4, as: Int32.self)
        base.storeBytes(of: Self.magic, toByteOffset: 0, as: UInt32.self)
    }
}
