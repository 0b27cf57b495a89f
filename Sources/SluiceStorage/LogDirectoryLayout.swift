import Glibc
import Synchronization

/// Where each partition directory (`<topic>-<partition>`) lives among the `log.dirs` entries, as Kafka's
/// `LogManager` places them: every entry is scanned at start and an existing partition is opened where it is
/// found; a new one goes to the entry holding the fewest partitions (ties: the first in `log.dirs` order).
///
/// Holds the ``DataDirectory`` objects it was built from, and so their locks, for its own life (the broker
/// keeps it until it stops). Thread-safe: placements sit behind one short lock.
public final class LogDirectoryLayout: Sendable {
    /// The `log.dirs` entries, in configuration order.
    public let directories: [String]
    /// Names in the entries that end in `-delete`: partition directories renamed for deletion by a run that
    /// stopped before removing them. The owner removes them at start.
    public let leftoverDeletions: [String]
    /// The locked entries; kept only so their locks live as long as this layout.
    private let owned: [DataDirectory]
    /// Partition directory name → index in ``directories``.
    private let placements: Mutex<[String: Int]>

    /// Scans every entry of `directories` (locked and checked by ``DataDirectory/open``).
    /// - Throws: ``DataDirectoryError`` `.duplicatePartition` naming both paths when a partition directory is
    ///   in two entries; `.io` when an entry cannot be listed.
    public init(directories: [DataDirectory]) throws(DataDirectoryError) {
        precondition(!directories.isEmpty, "log.dirs names at least one directory")
        let paths = directories.map(\.path)
        var listings: [[(name: String, isDirectory: Bool)]] = []
        for path in paths {
            do { listings.append(try Self.list(path)) } catch {
                throw DataDirectoryError(.io, directory: path, "log.dirs \(path) cannot be scanned: \(error)")
            }
        }
        let (found, deletions) = try Self.partitionDirectories(in: paths, listings: listings)
        self.directories = paths
        self.leftoverDeletions = deletions
        self.owned = directories
        self.placements = Mutex(found)
    }

    /// One directory, not scanned nor locked: every partition lives in `directory` (tests and tools).
    public init(singleDirectory directory: String) {
        self.directories = [directory]
        self.leftoverDeletions = []
        self.owned = []
        self.placements = Mutex([:])
    }

    /// Partition directories found per entry, for logs and tests.
    public var partitionCounts: [Int] {
        placements.withLock { Self.counts($0, directories: directories.count) }
    }

    /// The full path of partition directory `name`: where it already is, else a new placement in the entry
    /// with the fewest partitions (recorded, so the next choice counts it).
    public func path(for name: String) -> String {
        precondition(Self.isPartitionDirectoryName(name), "'\(name)' is not a <topic>-<partition> name")
        let index = placements.withLock { placements -> Int in
            if let index = placements[name] { return index }
            let chosen = Self.leastLoaded(Self.counts(placements, directories: directories.count))
            placements[name] = chosen
            return chosen
        }
        return directories[index] + "/" + name
    }

    /// Every partition directory found by the scan or placed since: name → full path.
    public var partitionPaths: [String: String] {
        placements.withLock { $0.mapValues { directories[$0] } }.reduce(into: [:]) {
            $0[$1.key] = $1.value + "/" + $1.key
        }
    }

    /// Whether partition directory `name` was found by the scan or placed since.
    public func isKnown(_ name: String) -> Bool { placements.withLock { $0[name] != nil } }

    /// Forgets `name` (its directory was deleted), so it no longer counts.
    public func forget(_ name: String) {
        _ = placements.withLock { $0.removeValue(forKey: name) }
    }

    /// The entry that holds the single file `fileName` (the embedded metadata store's): wherever it is among
    /// the entries, so reordering `log.dirs` still finds it; the first entry when no entry has it yet.
    /// - Throws: ``DataDirectoryError`` `.metadataPlacement` when two entries hold it, or when none does while
    ///   partition directories exist (their metadata was in an entry no longer listed: starting would serve
    ///   them as an empty broker).
    public func home(ofFile fileName: String) throws(DataDirectoryError) -> String {
        let holders = directories.filter { access($0 + "/" + fileName, F_OK) == 0 }
        let partitions = placements.withLock { $0.map { directories[$0.value] + "/" + $0.key } }.sorted()
        return try Self.home(ofFile: fileName, holders: holders, directories: directories, partitions: partitions)
    }

    // MARK: pure decisions

    /// The index of the entry with the fewest partitions; ties go to the first. Pure.
    public static func leastLoaded(_ counts: [Int]) -> Int {
        precondition(!counts.isEmpty, "no log directory to choose from")
        var best = 0
        for index in counts.indices where counts[index] < counts[best] { best = index }
        return best
    }

    /// Whether a directory entry named `name` is a partition directory: `<topic>-<partition number>`. Pure.
    public static func isPartitionDirectoryName(_ name: String) -> Bool {
        guard let dash = name.lastIndex(of: "-"), dash != name.startIndex else { return false }
        let digits = name[name.index(after: dash)...]
        return !digits.isEmpty && digits.count <= 10 && digits.allSatisfy { $0.isASCII && $0.isNumber }
            && Int32(digits) != nil
    }

    /// Maps each partition directory to its entry; refuses one found in two entries. Pure.
    static func partitionDirectories(
        in paths: [String], listings: [[(name: String, isDirectory: Bool)]]
    ) throws(DataDirectoryError) -> (found: [String: Int], deletions: [String]) {
        precondition(paths.count == listings.count, "one listing per log directory")
        var found: [String: Int] = [:]
        var deletions: [String] = []
        for (index, listing) in listings.enumerated() {
            for entry in listing.sorted(by: { $0.name < $1.name }) where entry.isDirectory {
                if entry.name.hasSuffix("-delete") { deletions.append(paths[index] + "/" + entry.name) }
                guard isPartitionDirectoryName(entry.name) else { continue }
                if let first = found[entry.name] {
                    let one = paths[first] + "/" + entry.name
                    let other = paths[index] + "/" + entry.name
                    throw DataDirectoryError(
                        .duplicatePartition, directory: paths[first],
                        "log.dirs: partition \(entry.name) is in two log directories, \(one) and \(other); "
                            + "keep the one with the data you want and move the other away")
                }
                found[entry.name] = index
            }
        }
        return (found, deletions)
    }

    /// ``home(ofFile:)``'s decision. Pure.
    static func home(
        ofFile fileName: String, holders: [String], directories: [String], partitions: [String]
    ) throws(DataDirectoryError) -> String {
        precondition(!directories.isEmpty, "log.dirs names at least one directory")
        if holders.count > 1 {
            throw DataDirectoryError(
                .metadataPlacement, directory: holders[0],
                "log.dirs: \(fileName) is in two log directories, \(holders[0])/\(fileName) and "
                    + "\(holders[1])/\(fileName); keep the right one and move the other away")
        }
        if let holder = holders.first { return holder }
        guard partitions.isEmpty else {
            let shown = partitions.prefix(3).joined(separator: ", ") + (partitions.count > 3 ? ", ..." : "")
            throw DataDirectoryError(
                .metadataPlacement, directory: directories[0],
                "log.dirs (\(directories.joined(separator: ", "))) holds \(partitions.count) partition "
                    + "director\(partitions.count == 1 ? "y" : "ies") (\(shown)) but no \(fileName): the directory "
                    + "that holds it is missing from log.dirs. Add it back (in any position), or move the partition "
                    + "directories away to start empty")
        }
        return directories[0]
    }

    private static func counts(_ placements: [String: Int], directories: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: directories)
        for index in placements.values { counts[index] += 1 }
        return counts
    }

    /// The entries of `path` and whether each is a directory (symlinks followed, as Kafka's `File.isDirectory`).
    private static func list(_ path: String) throws(StorageError) -> [(name: String, isDirectory: Bool)] {
        try PartitionDirectory.list(path).map { name in
            var info = stat()
            let isDirectory = stat(path + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            return (name, isDirectory)
        }
    }
}
