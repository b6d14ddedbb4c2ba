// swift-tools-version: 6.0
// Benchmark peer (not part of the product): Vapor serving the canned INSi answer.
import PackageDescription

let package = Package(
    name: "peer-vapor",
    platforms: [.macOS(.v13)],
    dependencies: [.package(url: "https://github.com/vapor/vapor", exact: "4.122.3")],
    targets: [
        .executableTarget(name: "Peer", dependencies: [.product(name: "Vapor", package: "vapor")]),
    ]
)
