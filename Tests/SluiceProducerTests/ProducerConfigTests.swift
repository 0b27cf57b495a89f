import SluiceConfig
import Testing

@testable import SluiceProducer

@Suite struct ProducerConfigTests {
    private static let bootstrap = ["bootstrap.servers": "127.0.0.1:9092"]

    /// Parses `bootstrap.servers=127.0.0.1:9092` plus `properties`.
    private func parse(_ properties: [String: String]) throws(ConfigError) -> ProducerConfig {
        try ProducerConfig.parse(Self.bootstrap.merging(properties) { _, new in new })
    }

    /// The error for `properties` (with a valid bootstrap.servers), or nil when they parse.
    private func error(_ properties: [String: String]) -> ConfigError? {
        do throws(ConfigError) {
            _ = try parse(properties)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Defaults and values

    @Test func onlyBootstrapServersGivesKafkasDefaults() throws {
        let config = try parse([:])
        #expect(config == ProducerConfig(bootstrapServers: ["127.0.0.1:9092"]))
        #expect(config.acks == -1)
        #expect(config.lingerMs == 5)
        #expect(config.batchSizeBytes == 16_384)
        #expect(config.bufferMemoryBytes == 33_554_432)
        #expect(config.maxBlockMs == 60_000)
        #expect(config.maxRequestSizeBytes == 1_048_576)
        #expect(config.maxInFlightRequestsPerConnection == 5)
        #expect(config.requestTimeoutMs == 30_000)
        #expect(config.retries == Int(Int32.max))
        #expect(config.retryBackoffMs == 100)
        #expect(config.deliveryTimeoutMs == 120_000)
        #expect(config.enableIdempotence)
        #expect(config.metadataMaxAgeMs == 300_000)
        #expect(config.clientId == "sluice-producer")
    }

    @Test func everyKeyIsReadIntoItsField() throws {
        let config = try ProducerConfig.parse([
            "bootstrap.servers": "broker-1:9092, broker-2:9093,[::1]:9094", "client.id": "orders-service",
            "acks": "1", "linger.ms": "50", "batch.size": "262144", "buffer.memory": "67108864",
            "max.block.ms": "1000", "max.request.size": "2097152", "max.in.flight.requests.per.connection": "10",
            "request.timeout.ms": "15000", "retries": "3", "retry.backoff.ms": "250", "delivery.timeout.ms": "60000",
            "enable.idempotence": "false", "metadata.max.age.ms": "10000", "compression.type": "none",
        ])
        #expect(config.bootstrapServers == ["broker-1:9092", "broker-2:9093", "[::1]:9094"])
        #expect(config.clientId == "orders-service")
        #expect(config.acks == 1)
        #expect(config.lingerMs == 50)
        #expect(config.batchSizeBytes == 262_144)
        #expect(config.bufferMemoryBytes == 67_108_864)
        #expect(config.maxBlockMs == 1_000)
        #expect(config.maxRequestSizeBytes == 2_097_152)
        #expect(config.maxInFlightRequestsPerConnection == 10)
        #expect(config.requestTimeoutMs == 15_000)
        #expect(config.retries == 3)
        #expect(config.retryBackoffMs == 250)
        #expect(config.deliveryTimeoutMs == 60_000)
        #expect(!config.enableIdempotence)
        #expect(config.metadataMaxAgeMs == 10_000)
    }

    @Test(arguments: [("all", Int16(-1)), ("-1", -1), ("1", 1), ("0", 0), ("  all ", -1)])
    func acksMapsToItsWireValue(text: String, wire: Int16) throws {
        #expect(try parse(["acks": text, "enable.idempotence": "false"]).acks == wire)
    }

    @Test(arguments: ["2", "ALL", "leader", "", "-2"])
    func acksOutsideKafkasFourValuesIsRefused(text: String) {
        let error = error(["acks": text])
        #expect(error?.key == "acks")
        #expect(error?.problem == "not an allowed value (expected one of [all, -1, 0, 1])")
    }

    @Test func batchSizeZeroMeansOneRecordPerBatch() throws {
        #expect(try parse(["batch.size": "0"]).batchSizeBytes == 1)
        #expect(try parse(["batch.size": "1"]).batchSizeBytes == 1)
    }

    @Test func minimumValuesAreAccepted() throws {
        let config = try parse([
            "linger.ms": "0", "buffer.memory": "0", "max.block.ms": "0", "max.request.size": "1",
            "max.in.flight.requests.per.connection": "1", "request.timeout.ms": "0", "retry.backoff.ms": "0",
            "metadata.max.age.ms": "0", "delivery.timeout.ms": "0", "retries": "1",
        ])
        #expect(config.lingerMs == 0)
        #expect(config.maxRequestSizeBytes == 1)
        #expect(config.deliveryTimeoutMs == 0)
    }

    // MARK: Bad values

    @Test(arguments: [
        ("linger.ms", "-1"), ("batch.size", "-1"), ("buffer.memory", "-1"), ("max.block.ms", "-1"),
        ("max.request.size", "0"), ("max.in.flight.requests.per.connection", "0"), ("request.timeout.ms", "-1"),
        ("retries", "-1"), ("retry.backoff.ms", "-1"), ("delivery.timeout.ms", "-1"), ("metadata.max.age.ms", "-1"),
        ("request.timeout.ms", "2147483648"),
    ])
    func valuesBelowTheMinimumAreOutOfRange(key: String, value: String) {
        let error = error([key: value])
        #expect(error?.code == .invalidValue)
        #expect(error?.key == key)
        #expect(error?.value == value)
        #expect(
            error?.problem.hasPrefix("out of range (expected an integer in [") == true, "\(String(describing: error))")
    }

    @Test(arguments: [("linger.ms", "5ms"), ("batch.size", "16KiB"), ("enable.idempotence", "yes"), ("retries", "")])
    func valuesOfTheWrongTypeAreRefused(key: String, value: String) {
        let error = error([key: value])
        #expect(error?.key == key)
        #expect(error?.problem.hasPrefix("not a") == true, "\(String(describing: error))")
    }

    @Test func missingBootstrapServersIsAnError() {
        #expect(throws: ConfigError.self) { try ProducerConfig.parse(["acks": "all"]) }
        do throws(ConfigError) {
            _ = try ProducerConfig.parse([:])
            Issue.record("parsed without bootstrap.servers")
        } catch {
            #expect(error.code == .missingRequired)
            #expect(error.key == "bootstrap.servers")
        }
    }

    @Test(arguments: [
        ("", "empty"), ("localhost", "missing port in 'localhost'"), ("host:", "missing port in 'host:'"),
        (":9092", "missing host in ':9092'"), ("host:0", "port 0 is out of range 1-65535 in 'host:0'"),
        ("host:65536", "port 65536 is out of range 1-65535 in 'host:65536'"),
        ("host:12a", "port '12a' is not a number in 'host:12a'"),
        ("::1:9092", "IPv6 address must be in brackets in '::1:9092'"),
        ("[::1:9092", "unterminated '[' in '[::1:9092'"),
        ("h st:9092", "invalid host 'h st'"), ("a:1,b:2,a:1", "duplicate entry 'a:1'"),
        ("PLAINTEXT://host:9092", "'PLAINTEXT://host:9092' has a listener scheme; write host:port"),
    ])
    func badBootstrapServersAreRefusedWithTheReason(value: String, reason: String) {
        let error = error(["bootstrap.servers": value])
        #expect(error?.key == "bootstrap.servers")
        #expect(
            error?.problem
                == "\(reason) (expected a non-empty comma-separated list of host:port without duplicates)")
    }

    @Test func bootstrapServersAcceptNamesAddressesAndBracketedIPv6() throws {
        let value = "localhost:9092,10.0.0.1:1,[fe80::1%eth0]:65535,broker_2.example.com:9093"
        #expect(try parse(["bootstrap.servers": value]).bootstrapServers.count == 4)
    }

    @Test func compressionOtherThanNoneIsNotSupportedYet() throws {
        #expect(try parse(["compression.type": "none"]).batchSizeBytes == 16_384)
        for codec in ["gzip", "snappy", "lz4", "zstd"] {
            let error = error(["compression.type": codec])
            #expect(error?.key == "compression.type")
            #expect(error?.problem.hasPrefix("\(codec) is not supported yet (expected none") == true)
        }
        #expect(error(["compression.type": "brotli"])?.problem.hasPrefix("not an allowed value") == true)
    }

    @Test(arguments: [
        ("key.serializer", "keySerializer:"), ("value.serializer", "valueSerializer:"),
        ("partitioner.class", "partitioner:"), ("interceptor.classes", "interceptors:"),
    ])
    func kafkaClassNameKeysSayToPassInitArguments(key: String, argument: String) {
        let value = "org.apache.kafka.common.serialization.StringSerializer"
        let error = error([key: value])
        #expect(error?.code == .invalidValue)
        #expect(error?.key == key)
        #expect(error?.value == value)
        #expect(error?.problem.contains("Swift takes") == true)
        #expect(error?.problem.contains("as an init argument") == true)
        #expect(error?.problem.contains("pass \(argument) to Producer.init") == true)
        // Even empty: the key itself is the mistake.
        #expect(self.error([key: ""])?.key == key)
    }

    @Test func unknownKeyIsRefusedWithTheNearestKnownKey() {
        let error = error(["linger.msx": "5"])
        #expect(error?.code == .unknownKey)
        #expect(error?.key == "linger.msx")
        #expect(error?.problem == "unknown configuration key (did you mean linger.ms?)")
        #expect(self.error(["bacth.size": "1"])?.problem.contains("did you mean batch.size?") == true)
        #expect(self.error(["transactional.id": "tx-1"])?.code == .unknownKey)
    }

    @Test func firstProblemIsTheSameWhateverTheDictionaryOrder() {
        // Several bad keys: the error always names the alphabetically first.
        for _ in 0..<20 {
            let error = error(["retries": "-1", "acks": "2", "linger.ms": "x", "zzz.unknown": "1"])
            #expect(error?.key == "acks")
        }
    }

    // MARK: Idempotence (Kafka's postProcessAndValidateIdempotenceConfigs)

    @Test func idempotenceIsOnByDefaultWithAcksAll() throws {
        #expect(try parse([:]).enableIdempotence)
        #expect(
            try parse(["acks": "-1", "retries": "1", "max.in.flight.requests.per.connection": "5"]).enableIdempotence)
    }

    @Test func idempotenceNotSetTurnsOffSilentlyForAcksOtherThanAll() throws {
        for acks in ["0", "1"] {
            let config = try parse(["acks": acks])
            #expect(!config.enableIdempotence, "acks=\(acks)")
        }
        // Already off because of acks, so more than 5 in flight is allowed.
        #expect(try !parse(["acks": "1", "max.in.flight.requests.per.connection": "10"]).enableIdempotence)
    }

    @Test func idempotenceNotSetTurnsOffSilentlyWithoutRetries() throws {
        #expect(try !parse(["retries": "0"]).enableIdempotence)
    }

    @Test func explicitIdempotenceWithAcksOtherThanAllIsAnError() {
        for acks in ["0", "1"] {
            let error = error(["enable.idempotence": "true", "acks": acks])
            #expect(error?.code == .invalidValue)
            #expect(error?.key == "acks")
            #expect(error?.value == acks)
            #expect(error?.problem.hasPrefix("must set acks to all in order to use the idempotent producer") == true)
        }
    }

    @Test func explicitIdempotenceWithoutRetriesIsAnError() {
        let error = error(["enable.idempotence": "true", "retries": "0"])
        #expect(error?.key == "retries")
        #expect(error?.problem.hasPrefix("must set retries to non-zero when using the idempotent producer") == true)
    }

    @Test func idempotenceWithMoreThanFiveInFlightIsAnError() {
        // Kafka 4.0: an error whether idempotence is on by default or set explicitly.
        for explicit in [[:], ["enable.idempotence": "true"]] {
            let error = error(explicit.merging(["max.in.flight.requests.per.connection": "6"]) { $1 })
            #expect(error?.key == "max.in.flight.requests.per.connection")
            #expect(error?.value == "6")
            #expect(error?.problem.hasPrefix("must be at most 5 to use the idempotent producer") == true)
        }
    }

    @Test func idempotenceOffAllowsAnySetting() throws {
        let config = try parse([
            "enable.idempotence": "false", "acks": "0", "retries": "0", "max.in.flight.requests.per.connection": "50",
        ])
        #expect(!config.enableIdempotence)
        #expect(config.maxInFlightRequestsPerConnection == 50)
        #expect(try !parse(["enable.idempotence": "false"]).enableIdempotence)
    }

    // MARK: Delivery timeout (Kafka's KafkaProducer.configureDeliveryTimeout)

    @Test func explicitDeliveryTimeoutBelowLingerPlusRequestTimeoutIsAnError() {
        let error = error(["delivery.timeout.ms": "30004"])  // linger.ms 5 + request.timeout.ms 30000
        #expect(error?.key == "delivery.timeout.ms")
        #expect(error?.value == "30004")
        #expect(error?.problem == "should be equal to or larger than linger.ms + request.timeout.ms (30005)")
        #expect(self.error(["delivery.timeout.ms": "30005"]) == nil)
        let custom = self.error(["delivery.timeout.ms": "1000", "linger.ms": "100", "request.timeout.ms": "1000"])
        #expect(custom?.problem.hasSuffix("(1100)") == true)
    }

    @Test func defaultDeliveryTimeoutIsRaisedToLingerPlusRequestTimeout() throws {
        #expect(try parse(["request.timeout.ms": "200000"]).deliveryTimeoutMs == 200_005)
        #expect(try parse(["linger.ms": "1000", "request.timeout.ms": "119000"]).deliveryTimeoutMs == 120_000)
        // Kafka caps the sum at Int32.max; a huge linger.ms does not overflow.
        let huge = try parse(["linger.ms": String(Int64.max), "request.timeout.ms": String(Int32.max)])
        #expect(huge.deliveryTimeoutMs == Int64(Int32.max))
    }

    // MARK: Definitions

    @Test func definitionsDocumentEveryKeyTheParserReads() {
        let names = Set(ProducerConfig.definitions.keys.map(\.name))
        let read: Set<String> = [
            "bootstrap.servers", "client.id", "acks", "linger.ms", "batch.size", "buffer.memory", "max.block.ms",
            "max.request.size", "max.in.flight.requests.per.connection", "request.timeout.ms", "retries",
            "retry.backoff.ms", "delivery.timeout.ms", "enable.idempotence", "metadata.max.age.ms", "compression.type",
            "key.serializer", "value.serializer", "partitioner.class", "interceptor.classes", "metrics.enabled",
        ]
        #expect(names == read)
        #expect(ProducerConfig.definitions.prefixes.isEmpty)
        let help = ProducerConfig.definitions.helpText()
        for name in read {
            #expect(help.contains("\(name)\n    "), "\(name) missing from help")
        }
        #expect(help.contains("Type: long; Default: 5; Valid values: an integer in [0, 9223372036854775807]"))
    }

    @Test func kafkaTypesAndImportancesAreKept() {
        let definitions = ProducerConfig.definitions
        #expect(definitions["linger.ms"]?.type == .long)
        #expect(definitions["batch.size"]?.type == .int)
        #expect(definitions["buffer.memory"]?.type == .long)
        #expect(definitions["delivery.timeout.ms"]?.type == .int)
        #expect(definitions["request.timeout.ms"]?.type == .int)
        #expect(definitions["bootstrap.servers"]?.type == .list)
        #expect(definitions["bootstrap.servers"]?.defaultValue == .required)
        #expect(definitions["acks"]?.importance == .low)
        #expect(definitions["buffer.memory"]?.importance == .high)
    }
}
