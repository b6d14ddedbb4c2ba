// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "insi-sim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "insi-sim", targets: ["insi-sim"]),
        .library(name: "INSiCore", targets: ["INSiCore"]),
        .library(name: "INSiSOAP", targets: ["INSiSOAP"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "INSiServer", targets: ["INSiServer"]),
        .library(name: "INSiClient", targets: ["INSiClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        .target(name: "INSiCore"),
        // libxml2 through its C API: the same library FoundationXML links, read without the
        // per-element bridging of XMLParser (see SAXTreeReader).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "INSiSOAP", dependencies: ["INSiCore", "CLibXML2"]),
        // epoll, eventfd and accept4, which Swift's Glibc module does not export.
        .target(name: "CSystemLinux"),
        .target(name: "HTTPServer", dependencies: ["CSystemLinux", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "INSiServer",
            dependencies: ["INSiCore", "INSiSOAP", "HTTPServer", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "INSiClient", dependencies: ["INSiCore", "INSiSOAP"]),
        .executableTarget(
            name: "insi-sim",
            dependencies: [
                "INSiCore", "INSiSOAP", "INSiServer", "INSiClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "insi-sim-core-bench", dependencies: ["INSiCore"], path: "Benchmarks/CoreSearch"),
        .executableTarget(name: "insi-sim-xml-bench", dependencies: ["INSiSOAP"], path: "Benchmarks/XMLRead"),
        .executableTarget(name: "insi-sim-seed-bench", dependencies: ["INSiCore"], path: "Benchmarks/SeedLoad"),
        .testTarget(name: "INSiCoreTests", dependencies: ["INSiCore"]),
        .testTarget(name: "INSiSOAPTests", dependencies: ["INSiSOAP"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "INSiServerTests", dependencies: ["INSiServer", "INSiClient"]),
        .testTarget(name: "INSiClientTests", dependencies: ["INSiClient", "INSiServer"]),
    ],
    swiftLanguageModes: [.v6]
)
