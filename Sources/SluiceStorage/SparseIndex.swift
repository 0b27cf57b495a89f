/// One index file of a segment, held in memory as an array and appended to its file lazily.
///
/// Index files are derived data: entries are written on flush, roll and close, never on the append
/// path, and a segment scanned by recovery rebuilds them. Bound: `maxEntries`
/// (`log.index.size.max.bytes` / entry size); the segment rolls when an index is full.
struct SparseIndex<Entry: IndexEntry> {
    let file: FileDescriptor
    let maxEntries: Int
    private(set) var entries: [Entry] = []
    /// Leading entries already in the file.
    private var persistedCount = 0
    /// The file holds more entries than `persistedCount` (after a truncation or rebuild): cut it first.
    private var fileNeedsCut = false

    init(file: FileDescriptor, maxEntries: Int) {
        precondition(maxEntries >= 1, "an index holds at least one entry")
        self.file = file
        self.maxEntries = maxEntries
    }

    var isFull: Bool { entries.count >= maxEntries }
    var last: Entry? { entries.last }
    var hasUnpersistedEntries: Bool { fileNeedsCut || persistedCount < entries.count }

    mutating func append(_ entry: Entry) {
        assert(entries.last.map { entry.follows($0) } ?? true, "index entries must grow")
        assert(!isFull, "a full index rolls the segment first")
        entries.append(entry)
    }

    /// Drops every entry from `index` on (truncation, rebuild).
    mutating func removeEntries(from index: Int) {
        precondition(index >= 0 && index <= entries.count, "index cut \(index) outside 0...\(entries.count)")
        entries.removeSubrange(index...)
        if persistedCount > index {
            persistedCount = index
            fileNeedsCut = true
        }
    }

    /// Position in `entries` of the last entry for which `isAtOrBelow` holds; `isAtOrBelow` must be
    /// true for a prefix of the entries and false after it. nil when it holds for none.
    func lastIndex(where isAtOrBelow: (Entry) -> Bool) -> Int? {
        var low = 0
        var high = entries.count  // invariant: entries[..<low] hold, entries[high...] do not
        while low < high {
            let middle = low + (high - low) / 2
            if isAtOrBelow(entries[middle]) { low = middle + 1 } else { high = middle }
        }
        assert(low == high)
        return low == 0 ? nil : low - 1
    }

    /// Writes entries not yet in the file, in one pwrite (after cutting the file when it holds stale ones).
    mutating func persist() throws(StorageError) {
        if fileNeedsCut {
            try file.truncate(toBytes: Int64(persistedCount * Entry.byteCount))
            fileNeedsCut = false
        }
        let pending = entries.count - persistedCount
        guard pending > 0 else { return }
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: pending * Entry.byteCount, alignment: 8)
        defer { bytes.deallocate() }
        for (slot, entry) in entries[persistedCount...].enumerated() {
            let start = slot * Entry.byteCount
            entry.encode(into: UnsafeMutableRawBufferPointer(rebasing: bytes[start..<(start + Entry.byteCount)]))
        }
        try file.write(UnsafeRawBufferPointer(bytes), at: Int64(persistedCount * Entry.byteCount))
        persistedCount = entries.count
    }

    /// Loads the file's entries. Returns false, leaving the index empty (its file to be rewritten),
    /// when the file is not a sane index for a log of `logSizeBytes` bytes.
    mutating func load(logSizeBytes: Int) throws(StorageError) -> Bool {
        precondition(entries.isEmpty, "load into an empty index")
        let sizeBytes = Int(try file.status().sizeBytes)
        let count = sizeBytes / Entry.byteCount
        guard sizeBytes % Entry.byteCount == 0, count <= maxEntries else {
            fileNeedsCut = true
            return false
        }
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(sizeBytes, 1), alignment: 8)
        defer { bytes.deallocate() }
        let read = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<sizeBytes]), at: 0)
        guard read == sizeBytes else {
            fileNeedsCut = true
            return false
        }
        var loaded: [Entry] = []
        loaded.reserveCapacity(count)
        for slot in 0..<count {
            let start = slot * Entry.byteCount
            let entry = Entry(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Entry.byteCount)]))
            guard entry.fits(logSizeBytes: logSizeBytes), loaded.last.map({ entry.follows($0) }) ?? true else {
                fileNeedsCut = true
                return false
            }
            loaded.append(entry)
        }
        entries = loaded
        persistedCount = count
        return true
    }
}
