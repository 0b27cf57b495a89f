import SluiceBroker
import SluiceCluster
import SluiceGroups
import SluiceObservability
import SluiceProducer

/// The operator's reference of what this build exposes, for `docs/observability.md`: every metric declared
/// at start (name, type, labels, help) and every catalogued journald event (`SLUICE_EVENT`, `MESSAGE_ID`,
/// priority, fields). Generated from the same definitions the daemon declares, so it cannot drift; a test
/// checks that the committed file matches. Pure.
public enum ObservabilityReference {
    /// Markdown: one table per metric catalogue, then the events.
    public static func markdown() -> String {
        var text = """
            # Sluice observability reference

            Generated from the metric and event definitions the daemon declares (each module's metrics type,
            and `SluiceObservability`'s event catalogue); a test
            (`ObservabilityReferenceTests`) checks this file is current and says how to regenerate it. Names are
            public API: dashboards, alerts and scripts depend on them. Every metric below is registered when
            `sluiced` starts, zero-valued for every known label value, on `GET /metrics` of `http.listener`
            (Prometheus text format 0.0.4). `systemd/sluice.catalog` explains each event and what to do.


            """
        text += section("Broker and process (`BrokerMetrics`)", BrokerMetrics.definitions)
        text += section("Controller and cluster (`ControllerMetrics`)", ControllerMetrics.definitions)
        text += section("Metadata store (`MetadataStoreMetrics`)", MetadataStoreMetrics.definitions)
        text += section("Producer (`ProducerMetrics`: the gateway's producer in `sluiced`, any library embedding)",
            ProducerMetrics.definitions)
        text += section("Gateway (`GatewayMetrics`)", GatewayMetrics.definitions)
        text += section("Consumer groups (`GroupMetrics`, on the group's coordinator)", GroupMetrics.definitions)
        text += "## Journald events\n\n"
        text += "Sent with `sd_journal_sendv` when a journal socket exists, else one line each on stderr with the "
            + "same fields. Filter with `journalctl SLUICE_EVENT=<event>` or `journalctl -x MESSAGE_ID=<id>`.\n\n"
        text += "| SLUICE_EVENT | MESSAGE_ID | priority | fields |\n|---|---|---|---|\n"
        for kind in EventKind.allCases {
            text += "| `\(kind.rawValue)` | `\(kind.messageID)` | \(kind.defaultPriority) | "
                + kind.fieldNames.map { "`\($0)`" }.joined(separator: ", ") + " |\n"
        }
        return text
    }

    private static func section(_ title: String, _ definitions: [MetricDefinition]) -> String {
        var text = "## \(title)\n\n| metric | type | labels | meaning |\n|---|---|---|---|\n"
        for definition in definitions {
            let labels = definition.labelNames.map { "`\($0)`" }.joined(separator: ", ")
            text += "| `\(definition.name)` | \(definition.kind.rawValue) | \(labels) | \(definition.help) |\n"
        }
        return text + "\n"
    }
}
