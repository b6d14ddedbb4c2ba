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
        .library(name: "INSiPKI", targets: ["INSiPKI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        // `swift package generate-documentation`: builds INSiClient's DocC catalog (checked by .ci/run).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(name: "INSiCore"),
        // libxml2 through its C API: the same library FoundationXML links, read without the
        // per-element bridging of XMLParser (see SAXTreeReader).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // XML signatures of CPx card assertions: xmlsec1 on libxml2 and OpenSSL.
        .systemLibrary(name: "CXMLSec", pkgConfig: "xmlsec1-openssl", providers: [.apt(["libxmlsec1-dev"])]),
        .target(name: "INSiSOAP", dependencies: ["INSiCore", "CLibXML2", "CXMLSec"]),
        // epoll, eventfd and accept4, which Swift's Glibc module does not export.
        .target(name: "CSystemLinux"),
        // OpenSSL 3 through its C API: TLS in HTTPServer, the test PKI of INSiPKI.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "HTTPServer", dependencies: ["CSystemLinux", "COpenSSL", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "INSiServer",
            dependencies: ["INSiCore", "INSiSOAP", "HTTPServer", .product(name: "Logging", package: "swift-log")]
        ),
        // libcurl through its C API: URLSession on Linux cannot present a client certificate.
        .systemLibrary(name: "CLibCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // COpenSSL: only to clear OpenSSL's per-thread error queue between libcurl's transfers (CurlLoop).
        .target(name: "INSiClient", dependencies: ["INSiCore", "INSiSOAP", "CLibCurl", "COpenSSL"]),
        // Test certificates (`insi-sim certs generate`) made with OpenSSL, which also writes the
        // PKCS#12 files editors import (swift-certificates writes no PKCS#12).
        .target(name: "INSiPKI", dependencies: ["COpenSSL"]),
        .executableTarget(
            name: "insi-sim",
            dependencies: [
                "INSiCore", "INSiSOAP", "INSiServer", "INSiClient", "INSiPKI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "insi-sim-core-bench", dependencies: ["INSiCore"], path: "Benchmarks/CoreSearch"),
        .executableTarget(name: "insi-sim-xml-bench", dependencies: ["INSiSOAP"], path: "Benchmarks/XMLRead"),
        .executableTarget(name: "insi-sim-seed-bench", dependencies: ["INSiCore"], path: "Benchmarks/SeedLoad"),
        .executableTarget(name: "insi-sim-call-bench", dependencies: ["INSiServer", "HTTPServer", .product(name: "Logging", package: "swift-log")],
                          path: "Benchmarks/Call"),
        // Fuzz harnesses (Fuzz/, see scripts/fuzz.sh): built with `-sanitize=fuzzer,address -DFUZZING`
        // they are libFuzzer targets; built plainly they replay the corpus files given as arguments.
        .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer", "INSiCore"], path: "Fuzz/Support"),
        .executableTarget(name: "fuzz-http-parser", dependencies: ["FuzzSupport", "HTTPServer"], path: "Fuzz/HTTPParser"),
        .executableTarget(name: "fuzz-chunked-body", dependencies: ["FuzzSupport", "HTTPServer"], path: "Fuzz/ChunkedBody"),
        .executableTarget(name: "fuzz-soap-request", dependencies: ["FuzzSupport", "INSiSOAP"], path: "Fuzz/SOAPRequest"),
        .executableTarget(name: "fuzz-seed", dependencies: ["FuzzSupport", "INSiCore"], path: "Fuzz/Seed"),
        .executableTarget(name: "fuzz-change-log", dependencies: ["FuzzSupport", "INSiServer"], path: "Fuzz/ChangeLog"),
        .executableTarget(name: "fuzz-call-judge", dependencies: ["FuzzSupport", "INSiServer", "INSiSOAP", "INSiCore"], path: "Fuzz/CallJudge"),
        // What the tests share: raw HTTP and TLS clients, a loopback listener, the manual clock,
        // child processes, the repository's paths, the seeded cases, a simulator per test.
        // One target, though HTTPServerTests uses only its HTTP half: SwiftPM links every test
        // target into one test binary anyway, so the INSiServer half costs them nothing.
        .target(
            name: "TestSupport",
            dependencies: ["HTTPServer", "INSiServer", "INSiSOAP", "INSiCore", "INSiPKI", "COpenSSL", "CSystemLinux",
                           .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "INSiCoreTests", dependencies: ["INSiCore", "TestSupport"]),
        .testTarget(name: "INSiSOAPTests", dependencies: ["INSiSOAP", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "INSiPKI", "TestSupport"]),
        .testTarget(name: "INSiServerTests", dependencies: ["INSiServer", "INSiClient", "INSiPKI", "TestSupport"]),
        .testTarget(name: "INSiClientTests", dependencies: ["INSiClient", "INSiServer", "INSiPKI", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
