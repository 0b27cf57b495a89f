import Foundation
import Logging
import SluiceCluster
import SluiceConfig
import SluiceStorage

/// The broker's `log.dirs`, taken for this process before anything reads them: every entry locked
/// (`<dir>/.lock`, held until the process ends), its `meta.properties` checked against `cluster.id` and
/// `node.id` (written when absent), and all entries scanned for partition directories.
///
/// The embedded metadata store's `cluster-metadata.json` is created in the first entry; an existing one is
/// found in whichever entry holds it, so reordering `log.dirs` never starts an empty broker.
struct LogDirectories {
    /// Where each partition directory lives; holds the locks (give it to the replica manager, which lives as
    /// long as the broker runs).
    let layout: LogDirectoryLayout
    /// The entry that holds (or will hold) the embedded metadata store's file.
    let metadataDirectory: String

    /// The embedded store's file, named when a persisted topic configuration is refused.
    var metadataFile: String { metadataDirectory + "/" + EmbeddedMetadataStore.fileName }

    /// Locks, checks and scans every entry of `config.logDirs`, in order.
    /// - Throws: ``ServerStartError`` with exit status 78 and key `log.dirs` naming the entry: a lock held by
    ///   another process (and its PID), a `meta.properties` of another cluster or node or one that cannot be
    ///   parsed, a partition or the metadata file in two entries, partitions without a metadata file.
    static func open(config: BrokerConfig, logger: Logger) throws(ServerStartError) -> LogDirectories {
        do throws(DataDirectoryError) {
            var opened: [DataDirectory] = []
            for path in config.logDirs {
                opened.append(
                    try DataDirectory.open(
                        path, clusterId: config.clusterId, nodeId: config.nodeId, directoryId: newDirectoryId()))
            }
            let layout = try LogDirectoryLayout(directories: opened)
            // With etcd the metadata lives there: no file to find, partitions may exist without one.
            guard config.metadataStore == .embedded else {
                let counts = zip(config.logDirs, layout.partitionCounts).map { "\($0) (\($1) partition directories)" }
                logger.info("log.dirs locked: \(counts.joined(separator: ", "))")
                return LogDirectories(layout: layout, metadataDirectory: config.logDirs[0])
            }
            let metadataDirectory = try layout.home(ofFile: EmbeddedMetadataStore.fileName)
            if metadataDirectory != config.logDirs[0] {
                let line =
                    "the embedded metadata store is in \(metadataDirectory), not the first log.dirs entry "
                    + "\(config.logDirs[0]); using it there"
                logger.notice("\(line)")
            }
            let counts = zip(config.logDirs, layout.partitionCounts).map { "\($0) (\($1) partition directories)" }
            logger.info("log.dirs locked: \(counts.joined(separator: ", "))")
            return LogDirectories(layout: layout, metadataDirectory: metadataDirectory)
        } catch {
            throw ServerStartError(configKey: "log.dirs", value: error.directory, error.description)
        }
    }

    /// A fresh `directory.id`: 16 random bytes in URL-safe base64 without padding, as Kafka's `Uuid`.
    private static func newDirectoryId() -> String {
        let uuid = UUID().uuid
        let bytes = withUnsafeBytes(of: uuid) { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
