import SluiceConfig
import Testing

@Suite struct ConfigDefinitionTests {
    private let definition = ConfigDefinition(
        keys: [
            ConfigKey(
                "name", type: .string, defaultValue: .required, validator: .nonEmpty, importance: .high,
                documentation: "A name."),
            ConfigKey(
                "ratio", type: .double, defaultValue: .value(.double(0.5)), importance: .low, documentation: "A ratio."),
            ConfigKey(
                "mode", type: .string, defaultValue: .value(.string("fast")), validator: .oneOf(["fast", "safe"]),
                importance: .medium, documentation: "A mode."),
            ConfigKey(
                "secret", type: .password, defaultValue: .unset,
                validator: .custom(expectation: "at least 8 characters") { value in
                    guard case .password(let text) = value else { return "not a password" }
                    return text.count >= 8 ? nil : "too short"
                }, importance: .high, documentation: "A secret."),
            ConfigKey("tags", type: .list, defaultValue: .value(.list([])), importance: .low, documentation: "Tags."),
        ],
        prefixes: [ConfigPrefix("extra.", documentation: "Anything.")]
    )

    private func error(_ settings: [(key: String, value: String)]) -> ConfigError? {
        do throws(ConfigError) {
            _ = try definition.parse(settings)
            return nil
        } catch {
            return error
        }
    }

    @Test func missingRequiredKeyIsAnErrorWithoutValue() {
        let error = error([("ratio", "0.1")])
        #expect(error?.code == .missingRequired)
        #expect(error?.key == "name")
        #expect(error?.value == nil)
        #expect(
            error?.description
                == "Invalid configuration name: missing required configuration (expected a non-empty string)")
    }

    @Test func requiredKeySetToEmptyFailsItsValidator() {
        #expect(error([("name", "  ")])?.problem == "empty (expected a non-empty string)")
    }

    @Test func valuesDefaultsAndPrefixedKeysAreReturned() throws {
        let values = try definition.parse([("name", " n "), ("extra.a", "1"), ("tags", "x, y"), ("name", "m")])
        #expect(values.string("name") == "m")
        #expect(values.double("ratio") == 0.5)
        #expect(values.string("mode") == "fast")
        #expect(values.list("tags") == ["x", "y"])
        #expect(values["secret"] == nil)
        #expect(values.isSet("name"))
        #expect(!values.isSet("ratio"))
        #expect(values.withPrefix("extra.") == ["a": "1"])
    }

    @Test func oneOfRefusesOtherValuesCaseSensitively() {
        #expect(
            error([("name", "n"), ("mode", "Fast")])?.problem == "not an allowed value (expected one of [fast, safe])")
    }

    @Test func passwordValueIsHiddenInErrors() {
        let error = error([("name", "n"), ("secret", "hunter2")])
        #expect(error?.value == "[hidden]")
        #expect(error?.description.contains("hunter2") == false)
        #expect(error?.problem == "too short (expected at least 8 characters)")
    }

    @Test func doubleMustBeAFiniteNumber() {
        #expect(error([("name", "n"), ("ratio", "abc")])?.problem == "not a number (expected a finite number)")
        #expect(error([("name", "n"), ("ratio", "inf")])?.problem == "not a finite number (expected a finite number)")
    }

    @Test func unknownKeyIsCheckedBeforeMissingRequired() {
        #expect(error([("nmae", "x")])?.problem == "unknown configuration key (did you mean name?)")
    }
}
