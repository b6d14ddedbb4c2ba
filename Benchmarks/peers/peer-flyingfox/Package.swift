// swift-tools-version: 6.0
// Benchmark peer (not part of the product): FlyingFox serving the canned INSi answer.
import PackageDescription

let package = Package(
    name: "peer-flyingfox",
    platforms: [.macOS(.v14)],
    dependencies: [.package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1")],
    targets: [
        .executableTarget(name: "Peer", dependencies: [.product(name: "FlyingFox", package: "FlyingFox")]),
    ]
)
