import Foundation

/// Paths of the repository, its fixtures and of `../shared`, found from this file.
public enum TestPaths {
    /// <repo>, three levels above <repo>/Tests/TestSupport/Paths/TestPaths.swift.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    public static let resources = repository.appendingPathComponent("Resources")
    /// The recorded answers, CNDA files and sample requests, copied into the repository.
    public static let conformance = repository.appendingPathComponent("Tests/Fixtures/conformance")
    /// The originals of the fixtures, beside the repository for developers and CI (not in a clone).
    public static let sharedConformance = repository.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    public static var hasSharedConformance: Bool { FileManager.default.fileExists(atPath: sharedConformance.path) }

    /// The built `insi-sim`, beside the test bundle (`.build/debug/insi-sim`, the same build
    /// configuration as the tests).
    public static var insiSim: URL {
        let me = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        return me.deletingLastPathComponent().appendingPathComponent("insi-sim")
    }

    /// A new, empty folder of the system's temporary folder, unique to the caller: tests that
    /// run at the same time never share one. `label` names it for whoever finds it left behind.
    public static func temporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("insi-sim-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
