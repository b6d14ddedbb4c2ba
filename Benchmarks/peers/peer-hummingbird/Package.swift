// swift-tools-version: 6.0
// Benchmark peer (not part of the product): Hummingbird serving the canned INSi answer.
import PackageDescription

let package = Package(
    name: "peer-hummingbird",
    platforms: [.macOS(.v15)],
    dependencies: [.package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1")],
    targets: [
        .executableTarget(name: "Peer", dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
    ]
)
