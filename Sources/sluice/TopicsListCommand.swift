import ArgumentParser
import SluiceClient

/// `sluice topics list`: one topic name per line, sorted.
struct TopicsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List topics, one per line.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.withClient(global) { client in
            let metadata = try await client.metadata(topics: nil)
            var output = OutputBuffer()
            for name in metadata.topics.map(\.name).sorted() {
                output.append(name)
                output.append(byte: UInt8(ascii: "\n"))
                try output.flushIfFull()
            }
            try output.flush()
        }
    }
}
