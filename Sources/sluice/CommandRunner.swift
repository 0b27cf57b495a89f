import ArgumentParser
import SluiceClient
import SluiceWire

/// Runs a command body against a cluster and turns its failures into one clear line on stderr and
/// exit code 1.
enum CommandRunner {
    /// Creates a client from `options`, runs `body`, and closes the client on every path.
    static func withClient(
        _ options: GlobalOptions, clientId: String = "sluice-cli", _ body: (SluiceClient) async throws -> Void
    ) async throws {
        try await reportingErrors {
            try await withClient(bootstrapServers: options.bootstrapServer, clientId: clientId, body)
        }
    }

    /// Creates a client for `bootstrapServers` (`host:port[,host:port…]`), runs `body`, and closes the client
    /// on every path. Errors pass through (the caller reports them).
    static func withClient(
        bootstrapServers: String, clientId: String, _ body: (SluiceClient) async throws -> Void
    ) async throws {
        let client = try SluiceClient(bootstrapServers: [bootstrapServers], clientId: clientId)
        do {
            try await body(client)
        } catch {
            try? await client.close()
            throw error
        }
        try await client.close()
    }

    /// Runs `body`; an error is printed as one line and becomes exit code 1. Argument-parser's own
    /// errors and exit codes pass through unchanged.
    static func reportingErrors(_ body: () async throws -> Void) async throws {
        CLILogging.install()
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            StandardError.print(line(for: error))
            throw ExitCode.failure
        }
    }

    /// The stderr line for an error: `Error: …`, with a hint where one helps.
    static func line(for error: any Error) -> String {
        switch error {
        case let failure as CommandFailure:
            return failure.line
        case let connect as ConnectError:
            return connect.reason == .refused ? "Error: \(connect) (is sluiced running?)" : "Error: \(connect)"
        case let sluice as SluiceError:
            return "Error: \(sluice)"
        case let address as BrokerAddressError:
            return "Error: \(address)"
        default:
            return "Error: \(error)"
        }
    }
}
