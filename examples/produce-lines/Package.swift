// swift-tools-version:6.0
// produce-lines: a small application that depends on Sluice the way any other package would, by URL and
// version, and produces lines to a topic with SluiceProducer. scripts/test builds and runs it, so a change
// that SwiftPM refuses in a versioned dependency (unsafeFlags, for one) fails the tests.
import PackageDescription

/// Where Sluice comes from: `SLUICE_PACKAGE_URL` when set (scripts/test points it at a tagged temporary clone
/// of the commit under test), else the Sluice checkout this example sits in, as a `file://` URL; either way
/// its tags are the versions that `from:` below chooses among.
let sluiceURL = Context.environment["SLUICE_PACKAGE_URL"]
    ?? "file://" + Context.packageDirectory.split(separator: "/").dropLast(2).map { "/" + $0 }.joined()
/// SwiftPM names a URL dependency by the URL's last path component (lower case, without `.git`): a checkout
/// in `~/src/sluice` is `sluice`, one in `/work/main` is `main`.
let sluiceLastComponent = String(sluiceURL.split(separator: "/").last ?? "sluice")
let sluicePackage = (sluiceLastComponent.hasSuffix(".git") ? String(sluiceLastComponent.dropLast(4)) : sluiceLastComponent)
    .lowercased()

let package = Package(
    name: "produce-lines",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: sluiceURL, from: "0.1.0"),
        // The same version as Sluice's own Package.swift, for the application's own registry.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .executableTarget(
            name: "produce-lines",
            dependencies: [
                .product(name: "SluiceProducer", package: sluicePackage),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        )
    ]
)
