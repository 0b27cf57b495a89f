import Foundation
import Testing

@testable import SluiceStorage

@Suite struct LogDirectoryLayoutTests {
    private func open(_ paths: [String], clusterId: String = "c", nodeId: Int = 1) throws -> [DataDirectory] {
        try paths.map { try DataDirectory.open($0, clusterId: clusterId, nodeId: nodeId, directoryId: "id") }
    }

    @Test func leastLoadedPicksTheFewestAndTheFirstOnATie() {
        #expect(LogDirectoryLayout.leastLoaded([0]) == 0)
        #expect(LogDirectoryLayout.leastLoaded([0, 0, 0]) == 0)
        #expect(LogDirectoryLayout.leastLoaded([2, 1, 1]) == 1)
        #expect(LogDirectoryLayout.leastLoaded([3, 4, 2]) == 2)
    }

    @Test func partitionDirectoryNamesAreTopicDashNumber() {
        for name in ["orders-0", "a-b-12", "x.y_z-2147483647"] {
            #expect(LogDirectoryLayout.isPartitionDirectoryName(name))
        }
        for name in [
            "orders", "-0", "orders-", "orders-x", "orders-0.abc-delete", "orders-99999999999", ".lock",
            "meta.properties", "orders-+1",
        ] {
            #expect(!LogDirectoryLayout.isPartitionDirectoryName(name), "\(name)")
        }
    }

    @Test func newPartitionsGoToTheDirectoryWithFewestAndExistingOnesStayWhereFound() throws {
        try withTemporaryDirectory { root in
            let (a, b) = (root + "/a", root + "/b")
            try FileManager.default.createDirectory(atPath: b + "/old-0", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: b + "/old-1", withIntermediateDirectories: true)
            let layout = try LogDirectoryLayout(directories: try open([a, b]))
            #expect(layout.partitionCounts == [0, 2])
            #expect(layout.path(for: "old-1") == b + "/old-1")
            #expect(layout.path(for: "new-0") == a + "/new-0")
            #expect(layout.path(for: "new-1") == a + "/new-1")
            #expect(layout.path(for: "new-2") == a + "/new-2")  // tie 2:2 goes to the first
            #expect(layout.path(for: "new-3") == b + "/new-3")
            #expect(layout.path(for: "new-0") == a + "/new-0")  // the same answer again
            layout.forget("new-1")
            #expect(layout.partitionCounts == [2, 3])
        }
    }

    @Test func aPartitionInTwoDirectoriesIsRefusedNamingBothPaths() throws {
        try withTemporaryDirectory { root in
            let (a, b) = (root + "/a", root + "/b")
            for path in [a + "/orders-0", b + "/orders-0"] {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            }
            let directories = try open([a, b])
            #expect {
                _ = try LogDirectoryLayout(directories: directories)
            } throws: { error in
                guard let error = error as? DataDirectoryError else { return false }
                return error.code == .duplicatePartition && error.description.contains(a + "/orders-0")
                    && error.description.contains(b + "/orders-0")
            }
        }
    }

    @Test func leftoverDeletionsAreListedAndNotTakenForPartitions() throws {
        try withTemporaryDirectory { root in
            try FileManager.default.createDirectory(
                atPath: root + "/a/orders-0.0123abcd-delete", withIntermediateDirectories: true)
            let layout = try LogDirectoryLayout(directories: try open([root + "/a"]))
            #expect(layout.leftoverDeletions == [root + "/a/orders-0.0123abcd-delete"])
            #expect(layout.partitionCounts == [0])
        }
    }

    @Test func theMetadataFileIsFoundInAnyEntryAndRefusedTwiceOrWhenMissingUnderPartitions() throws {
        let dirs = ["/a", "/b"]
        let file = "cluster-metadata.json"
        #expect(try LogDirectoryLayout.home(ofFile: file, holders: [], directories: dirs, partitions: []) == "/a")
        #expect(
            try LogDirectoryLayout.home(ofFile: file, holders: ["/b"], directories: dirs, partitions: ["/b/t-0"])
                == "/b")
        #expect(throws: DataDirectoryError.self) {
            try LogDirectoryLayout.home(ofFile: file, holders: ["/a", "/b"], directories: dirs, partitions: [])
        }
        do {
            _ = try LogDirectoryLayout.home(ofFile: file, holders: [], directories: dirs, partitions: ["/b/t-0"])
            Issue.record("partitions without metadata accepted")
        } catch {
            #expect(error.code == .metadataPlacement)
            #expect(error.description.contains("/b/t-0"))
            #expect(error.description.contains("no cluster-metadata.json"))
        }
    }

    @Test func metaPropertiesIsWrittenOnceAndAnotherNodeOrClusterIsRefused() throws {
        try withTemporaryDirectory { root in
            let path = root + "/a"
            do {
                let first = try DataDirectory.open(path, clusterId: "east", nodeId: 1, directoryId: "dir-1")
                #expect(first.metaProperties == MetaProperties(clusterId: "east", nodeId: 1, directoryId: "dir-1"))
            }
            let again = try DataDirectory.open(path, clusterId: "east", nodeId: 1, directoryId: "ignored")
            #expect(again.metaProperties.directoryId == "dir-1")
            _ = consume again
            for (cluster, node, words) in [("east", 2, "node.id 1"), ("west", 1, "cluster.id 'east'")] {
                do throws(DataDirectoryError) {
                    _ = try DataDirectory.open(path, clusterId: cluster, nodeId: node, directoryId: "x")
                    Issue.record("\(cluster)/\(node) accepted")
                } catch {
                    #expect(error.code == .foreign)
                    #expect(error.description.contains(path))
                    #expect(error.description.contains(words))
                }
            }
        }
    }

    @Test func malformedMetaPropertiesIsRefusedNamingTheFile() throws {
        try withTemporaryDirectory { root in
            let path = root + "/a"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try "version=1\nnode.id=1\n".write(toFile: path + "/meta.properties", atomically: true, encoding: .utf8)
            do throws(DataDirectoryError) {
                _ = try DataDirectory.open(path, clusterId: "c", nodeId: 1, directoryId: "x")
                Issue.record("malformed meta.properties accepted")
            } catch {
                #expect(error.code == .malformedMetaProperties)
                #expect(error.description.contains(path + "/meta.properties"))
                #expect(error.description.contains("no cluster.id"))
            }
        }
    }

    @Test func metaPropertiesThatIsNotUTF8IsRefusedNotOverwritten() throws {
        try withTemporaryDirectory { root in
            let path = root + "/a"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let garbage = Data([0xff, 0xfe, 0x00, 0x80])
            try garbage.write(to: URL(fileURLWithPath: path + "/meta.properties"))
            do throws(DataDirectoryError) {
                _ = try DataDirectory.open(path, clusterId: "c", nodeId: 1, directoryId: "x")
                Issue.record("non-UTF-8 meta.properties accepted")
            } catch {
                #expect(error.code == .malformedMetaProperties)
                #expect(error.description.contains("not UTF-8 text"))
            }
            #expect(FileManager.default.contents(atPath: path + "/meta.properties") == garbage)
        }
    }

    @Test func theLockIsExclusiveWhileHeldAndFreeOnceReleased() throws {
        try withTemporaryDirectory { root in
            let path = root + "/a"
            var held: DataDirectory? = try DataDirectory.open(path, clusterId: "c", nodeId: 1, directoryId: "x")
            #expect(try String(contentsOfFile: path + "/.lock", encoding: .utf8) == "\(getpid())\n")
            do throws(DataDirectoryError) {
                _ = try DataDirectory.open(path, clusterId: "c", nodeId: 1, directoryId: "x")
                Issue.record("second lock taken")
            } catch {
                #expect(error.code == .locked)
                #expect(error.description.contains("Failed to acquire lock on file \(path)/.lock"))
            }
            #expect(held != nil)
            held = nil
            #expect(throws: Never.self) {
                _ = try DataDirectory.open(path, clusterId: "c", nodeId: 1, directoryId: "x")
            }
        }
    }
}
