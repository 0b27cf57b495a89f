import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SluiceConfig
import SluiceObservability
import SluiceServer
import SluiceSystemd

/// `sluiced --config FILE [--override key=value]…`: the Sluice broker daemon.
///
/// Exit codes: 0 after a graceful stop, 78 (EX_CONFIG) for a bad configuration (the key, the value
/// and what is allowed are printed and sent as a `config_error` event), 1 for other start-up failures.
@main
struct Sluiced: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluiced", abstract: "The Sluice broker daemon.", version: SluiceVersion.current)

    @Option(name: .long, help: "Kafka-style .properties file.")
    var config: String?

    @Option(name: .long, help: "Override one key (key=value); repeatable, wins over the file.")
    var override: [String] = []

    @Flag(
        name: .customLong("help-config"),
        help: "Print every configuration key with its type, default, valid values and documentation, then exit.")
    var helpConfig = false

    @Option(name: .customLong("help-config-format"), help: "text (default) or markdown, for --help-config.")
    var helpConfigFormat: ConfigReference.Format = .text

    func validate() throws {
        guard !helpConfig, config == nil else { return }
        throw ValidationError("Missing expected argument '--config <config>' (or --help-config to list the keys)")
    }

    func run() async throws {
        if helpConfig {
            FileHandle.standardOutput.write(Data(ConfigReference.render(helpConfigFormat).utf8))
            return
        }
        guard let config else { throw ExitCode(64) }  // validate() refused this already
        SluiceLogging.bootstrap(level: .info, sink: .daemon)
        let logger = Logger(label: "sluiced")
        let events = EventEmitter(sink: .daemon)
        let brokerConfig: BrokerConfig
        let gatewayConfig: GatewayConfig
        do {
            brokerConfig = try BrokerConfig.load(path: config, overrides: override)
            gatewayConfig = try GatewayConfig(brokerConfig: brokerConfig)  // [gateway] gateway.* keys, exit 78 too
        } catch {
            events.configError(key: error.key, value: error.value ?? "", problem: error.problem)
            FileHandle.standardError.write(Data("sluiced: \(error.description)\n".utf8))
            throw ExitCode(78)
        }
        for warning in brokerConfig.warnings {
            logger.warning("configuration: \(warning)")
        }
        let server = SluiceServer(config: brokerConfig, gateway: gatewayConfig, logger: logger, events: events)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do { try await group.run() } catch let error as ServerStartError {
            if let key = error.key {
                events.configError(key: key, value: error.value ?? "", problem: error.description)
            }
            logger.critical("sluiced failed to start: \(error.description)")
            FileHandle.standardError.write(Data("sluiced: \(error.description)\n".utf8))
            throw ExitCode(error.exitStatus)
        } catch {
            logger.critical("sluiced failed: \(error)")
            FileHandle.standardError.write(Data("sluiced: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension ConfigReference.Format: ExpressibleByArgument {}
