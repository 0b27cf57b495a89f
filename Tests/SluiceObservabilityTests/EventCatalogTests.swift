import Foundation
import SluiceTestSupport
import Testing

@testable import SluiceObservability

@Suite struct EventCatalogTests {
    /// `systemd/sluice.catalog` of this checkout, found from this file's path.
    static let catalogPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("systemd/sluice.catalog").path

    struct CatalogEntry {
        var messageID: String
        var headers: [String: String]
        var body: String
    }

    /// Parses journald's catalog format: `-- <id>` starts an entry, `Key: value` headers until a blank
    /// line, then the body until the next `-- `. Lines starting with `#` outside entries are comments.
    static func parseCatalog(_ text: String) -> [CatalogEntry] {
        var entries: [CatalogEntry] = []
        var inHeaders = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- ") {
                entries.append(CatalogEntry(messageID: String(line.dropFirst(3)), headers: [:], body: ""))
                inHeaders = true
            } else if entries.isEmpty {
                continue
            } else if inHeaders && line.isEmpty {
                inHeaders = false
            } else if inHeaders, let colon = line.firstIndex(of: ":") {
                let key = String(line[..<colon])
                entries[entries.count - 1].headers[key] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            } else {
                entries[entries.count - 1].body += line + "\n"
            }
        }
        return entries
    }

    @Test func messageIDsAreUniqueLowercaseHex128BitIDs() {
        let ids = EventKind.allCases.map(\.messageID)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.utf8.count == 32)
            #expect(id.allSatisfy { "0123456789abcdef".contains($0) }, "\(id) is not lowercase hex")
        }
    }

    @Test func eventNamesAreTheDocumentedSnakeCaseNames() {
        let names = Set(EventKind.allCases.map(\.rawValue))
        #expect(names.count == 19)
        for name in [
            "broker_ready", "leader_elected", "isr_shrink", "log_truncated", "config_error", "under_min_isr",
            "broker_session_lost", "metadata_store_unavailable", "group_rebalanced", "group_empty",
        ] {
            #expect(names.contains(name))
        }
    }

    @Test func catalogHasOneEntryPerEventKindWithTheSameIDs() throws {
        let text = try String(contentsOfFile: Self.catalogPath, encoding: .utf8)
        let entries = Self.parseCatalog(text)
        #expect(entries.count == EventKind.allCases.count)
        #expect(Set(entries.map(\.messageID)) == Set(EventKind.allCases.map(\.messageID)))
        for entry in entries {
            #expect(entry.headers["Subject"]?.isEmpty == false, "\(entry.messageID) has no Subject")
            #expect(entry.headers["Defined-By"] == "sluice")
            #expect(entry.headers["Documentation"]?.isEmpty == false)
            #expect(
                entry.body.trimmingCharacters(in: .whitespacesAndNewlines).count > 80,
                "\(entry.messageID) explains too little")
        }
    }

    @Test func catalogSubstitutionsNameOnlyFieldsTheEventCarries() throws {
        let text = try String(contentsOfFile: Self.catalogPath, encoding: .utf8)
        let kinds = Dictionary(uniqueKeysWithValues: EventKind.allCases.map { ($0.messageID, $0) })
        for entry in Self.parseCatalog(text) {
            guard let kind = kinds[entry.messageID] else {
                Issue.record("catalog entry \(entry.messageID) matches no EventKind")
                continue
            }
            let allowed = Set(kind.fieldNames + ["MESSAGE", "SLUICE_EVENT", "MESSAGE_ID", "PRIORITY"])
            let full = (entry.headers["Subject"] ?? "") + "\n" + entry.body
            for name in Self.substitutions(in: full) {
                #expect(allowed.contains(name), "\(kind.rawValue) catalog uses @\(name)@, which the event lacks")
            }
        }
    }

    @Test func journalctlAcceptsTheCatalog() throws {
        guard let journalctl = TestTools.find("journalctl") else {
            print("skipped journalctlAcceptsTheCatalog: journalctl is not on PATH")
            return
        }
        let root = try TestTools.makeTemporaryDirectory()
        defer { TestTools.remove(root) }
        let catalogDirectory = root + "/usr/lib/systemd/catalog"
        try FileManager.default.createDirectory(atPath: catalogDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: root + "/var/lib/systemd/catalog", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.catalogPath, toPath: catalogDirectory + "/sluice.catalog")
        let update = try TestTools.run(journalctl, ["--root=\(root)", "--update-catalog"])
        #expect(update.status == 0, "journalctl --update-catalog failed: \(update.output)")
        let list = try TestTools.run(journalctl, ["--root=\(root)", "--list-catalog"])
        #expect(list.status == 0)
        for kind in EventKind.allCases {
            #expect(list.output.contains("\(kind.messageID) sluice: "), "journalctl did not index \(kind.rawValue)")
        }
    }

    /// Names between `@` pairs made of upper-case letters, digits and `_`.
    static func substitutions(in text: String) -> [String] {
        var names: [String] = []
        var current: String? = nil
        for character in text {
            if character == "@" {
                if let name = current, !name.isEmpty {
                    names.append(name)
                    current = nil
                } else {
                    current = ""
                }
            } else if current != nil {
                if character.isUppercase || character.isNumber || character == "_" {
                    current? += String(character)
                } else {
                    current = nil
                }
            }
        }
        return names
    }
}
