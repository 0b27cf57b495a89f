import Foundation
import SluiceBroker
import SluiceObservability
import SluiceProducer
import SluiceServer
import Testing

/// `docs/observability.md` is generated from the definitions the daemon declares; it must be current.
/// Regenerate with `SLUICE_WRITE_DOCS=1 swift test --filter ObservabilityReferenceTests`.
@Suite struct ObservabilityReferenceTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/observability.md").path

    @Test func committedObservabilityReferenceIsCurrent() throws {
        let generated = ObservabilityReference.markdown()
        if ProcessInfo.processInfo.environment["SLUICE_WRITE_DOCS"] == "1" {
            try generated.write(toFile: Self.path, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(committed == generated, "docs/observability.md is stale: SLUICE_WRITE_DOCS=1 swift test --filter ObservabilityReferenceTests")
    }

    @Test func everyDeclaredMetricAndEventIsListed() {
        let text = ObservabilityReference.markdown()
        for definition in BrokerMetrics.definitions + ProducerMetrics.definitions + GatewayMetrics.definitions {
            #expect(text.contains("| `\(definition.name)` |"), "\(definition.name)")
        }
        for kind in EventKind.allCases { #expect(text.contains(kind.messageID), "\(kind.rawValue)") }
    }
}
