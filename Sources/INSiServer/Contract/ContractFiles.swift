import Foundation

/// The WSDL and XSD files the simulator serves at `/lps?wsdl` and `/lps?xsd=NAME`, read once at
/// start-up. Every import in them points back to the simulator, through the token
/// `INSI_SIM_BASE_URL`, replaced by the URL the client used.
public struct ContractFiles: Sendable {
    public static let wsdlName = "insi-sim.wsdl"
    static let token = "INSI_SIM_BASE_URL"

    /// File name -> content. Only these names are served: a request cannot name any other file.
    private let files: [String: String]

    /// Why the contract files could not be loaded.
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(directory: URL) throws {
        var files: [String: String] = [:]
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw LoadError(description: "cannot list the contract folder \(directory.path): \(error.localizedDescription)")
        }
        for name in names where name.hasSuffix(".xsd") || name == ContractFiles.wsdlName {
            do {
                files[name] = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            } catch {
                throw LoadError(description: "cannot read the contract file \(name): \(error.localizedDescription)")
            }
        }
        guard files[ContractFiles.wsdlName] != nil else {
            throw LoadError(description: "\(directory.path) has no \(ContractFiles.wsdlName)")
        }
        self.files = files
    }

    /// The schema names that can be asked for.
    public var schemaNames: [String] { files.keys.filter { $0.hasSuffix(".xsd") }.sorted() }

    /// The WSDL with every address pointing at `baseURL` (`http://host:port`).
    public func wsdl(baseURL: String) -> String? { file(ContractFiles.wsdlName, baseURL: baseURL) }

    /// A schema by name, with its imports pointing at `baseURL`; nil for any other name.
    public func schema(_ name: String, baseURL: String) -> String? {
        guard name.hasSuffix(".xsd") else { return nil }
        return file(name, baseURL: baseURL)
    }

    private func file(_ name: String, baseURL: String) -> String? {
        files[name]?.replacingOccurrences(of: ContractFiles.token, with: baseURL)
    }
}
