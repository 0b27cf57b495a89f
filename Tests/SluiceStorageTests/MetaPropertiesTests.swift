import Testing

@testable import SluiceStorage

@Suite struct MetaPropertiesTests {
    @Test func parsesKafkasKRaftFileWithCommentsAndDirectoryId() throws {
        let text = """
            #
            #Tue Dec 02 05:52:43 UTC 2026
            node.id=3
            directory.id=J8aAPcfLQt2bqs1JT_rMgQ
            version=1
            cluster.id=MkU3OEVBNTcwNTJENDM2Qk
            """
        let parsed = try MetaProperties.parse(text).get()
        #expect(
            parsed
                == MetaProperties(clusterId: "MkU3OEVBNTcwNTJENDM2Qk", nodeId: 3, directoryId: "J8aAPcfLQt2bqs1JT_rMgQ")
        )
    }

    @Test func renderedTextParsesBackToTheSameValues() throws {
        let written = MetaProperties(clusterId: "sluice", nodeId: 7, directoryId: "abc_-1")
        #expect(try MetaProperties.parse(written.rendered).get() == written)
        let withoutId = MetaProperties(clusterId: "c", nodeId: 0, directoryId: nil)
        #expect(try MetaProperties.parse(withoutId.rendered).get() == withoutId)
        #expect(written.rendered.contains("version=1\n"))
    }

    @Test(arguments: [
        ("cluster.id=c\nnode.id=1\n", "no version"),
        ("version=0\ncluster.id=c\nnode.id=1\n", "version '0' is not 1"),
        ("version=1\nnode.id=1\n", "no cluster.id"),
        ("version=1\ncluster.id=\nnode.id=1\n", "no cluster.id"),
        ("version=1\ncluster.id=c\n", "no node.id"),
        ("version=1\ncluster.id=c\nnode.id=-4\n", "node.id '-4' is not a non-negative integer"),
        ("version=1\ncluster.id=c\nnode.id=one\n", "node.id 'one' is not a non-negative integer"),
        ("version=1\ncluster.id=c\ncluster.id=d\nnode.id=1\n", "cluster.id appears twice"),
        ("version=1\ngarbage line\n", "line 'garbage line' is not key=value"),
        ("", "no version"),
    ])
    func malformedFilesAreRefusedNamingTheProblem(text: String, problem: String) {
        switch MetaProperties.parse(text) {
        case .success(let parsed): Issue.record("accepted \(parsed)")
        case .failure(let error): #expect(error.description == problem)
        }
    }

    @Test func mismatchNamesTheFoundAndTheConfiguredValues() {
        let found = MetaProperties(clusterId: "east", nodeId: 1, directoryId: nil)
        #expect(found.mismatch(clusterId: "east", nodeId: 1) == nil)
        let otherNode = found.mismatch(clusterId: "east", nodeId: 2)
        #expect(otherNode == "it belongs to node.id 1, not the configured node.id 2")
        let otherCluster = found.mismatch(clusterId: "west", nodeId: 1)
        #expect(otherCluster == "it belongs to cluster.id 'east', not the configured cluster.id 'west'")
    }
}
