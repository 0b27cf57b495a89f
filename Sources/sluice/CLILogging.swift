import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The CLI's swift-log set-up: library logs (the producer's "cannot connect to broker 1 …") go to stderr at
/// `warning` and above, as Kafka's command-line tools log at WARN (`tools-log4j.properties`), so a command's
/// own output — one `Error: …` line on failure — is not buried under the libraries' info lines.
/// `SLUICE_LOG_LEVEL=debug` (trace, debug, info, notice, warning, error, critical) shows more.
enum CLILogging {
    /// The level when `SLUICE_LOG_LEVEL` is unset or not a level name.
    static let defaultLevel = Logger.Level.warning

    /// Bootstraps swift-log once per process; later calls do nothing (swift-log allows one bootstrap).
    static func install() {
        _ = installed
    }

    private static let installed: Void = {
        let level = getenv("SLUICE_LOG_LEVEL").flatMap { Logger.Level(rawValue: String(cString: $0).lowercased()) }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level ?? defaultLevel
            return handler
        }
    }()
}
