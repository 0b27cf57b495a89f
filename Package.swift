// swift-tools-version:6.0
// Sluice: a Kafka-semantics replicated log broker and producer. See ../shared/design.md for the layout;
// dependencies point downward only: executables → SluiceServer → SluiceBroker/SluiceCluster →
// SluiceStorage/SluiceWire/SluiceClient → C targets. SluiceObservability and SluiceConfig import no Sluice module.
import PackageDescription

// No unsafe build flags: SwiftPM refuses a package that has them as a versioned dependency, and applications depend
// on the SluiceClient and SluiceProducer products by version (examples/produce-lines checks that).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "sluice",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sluiced", targets: ["sluiced"]),
        .executable(name: "sluice", targets: ["sluice"]),
        .library(name: "SluiceClient", targets: ["SluiceClient"]),
        .library(name: "SluiceProducer", targets: ["SluiceProducer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // C system libraries (Debian: libprotobuf-c-dev, libsystemd-dev).
        .systemLibrary(name: "CProtobufC", pkgConfig: "libprotobuf-c", providers: [.apt(["libprotobuf-c-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // The codecs of Kafka's compressed batches (read by the native client; the broker stores them as sent).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // protoc-c output for proto/sluice.proto, committed; scripts/gen-proto regenerates it.
        .target(name: "CSluiceProto", dependencies: ["CProtobufC"]),
        // CRC-32C: SSE4.2 instruction when the CPU has it, slicing-by-8 otherwise.
        .target(name: "CSluiceCRC"),

        .target(name: "SluiceConfig", swiftSettings: swiftSettings),
        .target(
            name: "SluiceObservability",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // journald and sd_notify for the daemon only: the client and producer libraries never link libsystemd.
        .target(
            name: "SluiceSystemd",
            dependencies: ["CSystemd", "SluiceObservability"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceWire",
            dependencies: [
                "CSluiceProto", "CProtobufC", "CSluiceCRC", "CZlib", "CSnappy", "CLZ4", "CZstd",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Kafka's wire protocol: request headers, message codecs and the version table; no broker logic. Error codes
        // are SluiceWire's ErrorCode, which has Kafka's numbers.
        .target(
            name: "SluiceKafka",
            dependencies: ["SluiceWire", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceStorage",
            dependencies: [
                "SluiceWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceClient",
            dependencies: [
                "SluiceWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceProducer",
            dependencies: [
                "SluiceClient", "SluiceWire", "SluiceConfig", "SluiceObservability",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceCluster",
            dependencies: [
                "SluiceWire", "SluiceObservability",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceBroker",
            dependencies: [
                "SluiceStorage", "SluiceCluster", "SluiceWire", "SluiceObservability", "SluiceClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // Kafka's classic group coordinator, its committed offsets on SluiceBroker's __consumer_offsets topic.
        .target(
            name: "SluiceGroups",
            dependencies: [
                "SluiceBroker", "SluiceWire", "SluiceObservability",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceServer",
            dependencies: [
                "SluiceBroker", "SluiceCluster", "SluiceStorage", "SluiceWire", "SluiceObservability", "SluiceConfig",
                "SluiceProducer", "SluiceSystemd", "SluiceClient", "SluiceKafka", "SluiceGroups",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sluiced",
            dependencies: [
                "SluiceServer", "SluiceConfig", "SluiceObservability", "SluiceSystemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The decoders' fuzz target: libFuzzer when scripts/fuzz builds it with -sanitize=fuzzer -DFUZZING, a
        // replay of the seed corpus (Tests/fuzz-corpus) otherwise.
        .executableTarget(
            name: "sluice-fuzz",
            dependencies: ["SluiceKafka", "SluiceWire", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceClient", "SluiceWire", "SluiceStorage", "SluiceProducer", "SluiceConfig", "SluiceKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "SluiceWireTests",
            dependencies: [
                "SluiceWire", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
        .testTarget(name: "SluiceStorageTests", dependencies: ["SluiceStorage", "SluiceWire", "SluiceObservability"]),
        .testTarget(name: "SluiceConfigTests", dependencies: ["SluiceConfig"]),
        .testTarget(
            name: "SluiceGroupsTests", dependencies: ["SluiceGroups", "SluiceWire"]),
        .testTarget(
            name: "SluiceKafkaTests",
            dependencies: ["SluiceKafka", "SluiceWire", .product(name: "NIOCore", package: "swift-nio")]),
        // Running real tools (promtool, journalctl) from tests: shared by the test targets that do, never by
        // a product.
        .target(name: "SluiceTestSupport", path: "Tests/SluiceTestSupport"),
        .testTarget(name: "SluiceObservabilityTests", dependencies: ["SluiceObservability", "SluiceTestSupport"]),
        .testTarget(name: "SluiceSystemdTests", dependencies: ["SluiceSystemd", "SluiceObservability"]),
        .testTarget(name: "SluiceProducerTests", dependencies: ["SluiceProducer", "SluiceWire", "SluiceObservability"]),
        .testTarget(name: "SluiceBrokerTests", dependencies: ["SluiceBroker", "SluiceStorage", "SluiceWire", "SluiceObservability"]),
        .testTarget(
            name: "SluiceServerTests",
            dependencies: [
                "SluiceServer", "SluiceBroker", "SluiceCluster", "SluiceProducer", "SluiceObservability", "SluiceTestSupport",
                "SluiceGroups", "SluiceWire",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .testTarget(
            name: "SluiceClusterTests",
            dependencies: [
                "SluiceCluster", "SluiceBroker", "SluiceStorage", "SluiceWire", "SluiceObservability", "SluiceTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .testTarget(
            name: "SluiceIntegrationTests",
            dependencies: [
                "SluiceClient", "SluiceWire", "SluiceProducer", "SluiceObservability", "SluiceTestSupport", "SluiceKafka",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
    ]
)
