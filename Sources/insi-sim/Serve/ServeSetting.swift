import ArgumentParser

/// Every setting of `insi-sim serve`: its option, environment variable, default and meaning.
/// The options' help, the reading of the environment and the reference table in the docs all
/// come from this one list (a test checks the docs against it).
enum ServeSetting: String, CaseIterable {
    case host, port, tlsPort, tlsDir, tlsCert, tlsKey, clientCA, clientCert, security
    case cardCA, ecpsCA, assertionMaxAge
    case seed, nameMatching, authorizedIDAM, resources, publicURL, logLevel, logFormat
    case scenarios, journal, journalCapacity, dataDir, compactAfter, adminToken, eventLoops
    case maxBodyBytes, maxHeaderBytes, maxHeaderCount, maxRequestLineBytes, maxChunkLineBytes
    case maxEmptyLines, maxConnections, maxLingerBytes
    case requestTimeout, idleTimeout, lingerTimeout
    case xmlMaxDepth, xmlMaxElements, xmlMaxTextBytes
    case findings

    /// The long option, e.g. `--max-body-bytes`.
    var option: String {
        switch self {
        case .authorizedIDAM: "--authorized-idam"
        case .publicURL: "--public-url"
        case .clientCA: "--client-ca"
        case .cardCA: "--card-ca"
        case .ecpsCA: "--ecps-ca"
        default: "--" + rawValue.reduce(into: "") { text, character in
            if character.isUppercase { text += "-" + character.lowercased() } else { text.append(character) }
        }
        }
    }

    /// `INSI_SIM_` and the option in upper snake case, e.g. `INSI_SIM_MAX_BODY_BYTES`.
    var environmentVariable: String {
        "INSI_SIM_" + option.dropFirst(2).uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The value's placeholder in help and docs.
    var valueName: String {
        switch self {
        case .host: "address"
        case .port, .tlsPort: "port"
        case .seed, .resources, .scenarios, .journal, .dataDir, .tlsDir, .tlsCert, .tlsKey, .clientCA, .cardCA, .ecpsCA: "path"
        case .clientCert: "required|optional|none"
        case .security: "open|strict"
        case .nameMatching: "strict|relaxed"
        case .authorizedIDAM: "idam"
        case .publicURL: "url"
        case .logLevel: "level"
        case .logFormat: "text|json"
        case .adminToken: "token"
        case .requestTimeout, .idleTimeout, .lingerTimeout, .assertionMaxAge: "seconds"
        case .findings: "on|off"
        default: "n"
        }
    }

    /// The default, as a user reads it.
    var defaultDescription: String {
        switch self {
        case .host: "127.0.0.1"
        case .port: "8080"
        case .tlsPort: "8443 (with --tls-dir or --tls-cert)"
        case .tlsDir, .tlsCert, .tlsKey, .clientCA: "none"
        case .clientCert: "required with --tls-dir or --client-ca, else none"
        case .security: "strict on TLS, open on plain HTTP"
        case .cardCA: "card-ca.pem of --tls-dir, else none"
        case .ecpsCA: "ecps-ca.pem of --tls-dir, else none"
        case .assertionMaxAge: "3600"
        case .seed: "Resources/seed/default-base.json"
        case .nameMatching: "strict"
        case .authorizedIDAM: "any"
        case .resources: "found automatically"
        case .publicURL: "from the Host header"
        case .logLevel: "info"
        case .logFormat: "text"
        case .scenarios, .journal, .dataDir, .adminToken: "none"
        case .journalCapacity: "10000"
        case .compactAfter: "10000"
        case .eventLoops: "number of cores"
        case .maxBodyBytes: "1048576"
        case .maxHeaderBytes: "32768"
        case .maxHeaderCount: "100"
        case .maxRequestLineBytes: "8192"
        case .maxChunkLineBytes: "4096"
        case .maxEmptyLines: "2"
        case .maxConnections: "4096"
        case .maxLingerBytes: "4194304"
        case .requestTimeout: "10"
        case .idleTimeout: "60"
        case .lingerTimeout: "2"
        case .xmlMaxDepth: "32"
        case .xmlMaxElements: "2000"
        case .xmlMaxTextBytes: "65536"
        case .findings: "on"
        }
    }

    /// What it does, and for a limit what a client sees when it is exceeded.
    var meaning: String {
        switch self {
        case .host: "address to listen on; beyond loopback the admin API needs --admin-token"
        case .port: "port of the plain HTTP listener; 0 picks a free one (printed in the start line)"
        case .tlsPort: "port of the TLS listener, beside the plain one; 0 picks a free one (printed in the start line)"
        case .tlsDir: "serve TLS with a test PKI folder of `insi-sim certs generate` (server.pem, server-key.pem, ca.pem for client certificates), generated there when missing or empty; mutual TLS, client certificate required"
        case .tlsCert: "the TLS listener's certificate chain (PEM, the server's certificate first), with --tls-key"
        case .tlsKey: "the TLS listener's private key (PEM, unencrypted)"
        case .clientCA: "the authorities client certificates must chain to (PEM); their names are sent to clients"
        case .clientCert: "client certificates on the TLS listener: required (the mTLS endpoint), optional, or none (a CPx-like endpoint: a SAML assertion in strict mode)"
        case .security: "forces the security mode of every listener: strict requires what the real service does (ContexteLPS, a fresh uuid: MessageID, wsa:Action equal to the Content-Type action, a client certificate or a SAML assertion), open answers any well-formed call"
        case .cardCA: "the CPx card authority (PEM): every SAML assertion a call carries is checked against it (XML signature, card certificate chained, valid, for signing, named by Issuer, assertion recent); a refusal is a siram_950 fault"
        case .ecpsCA: "an e-CPS authority (PEM): an assertion signed by one of its cards is refused (INSi requires a physical card)"
        case .assertionMaxAge: "how old a card assertion may be (its IssueInstant), in seconds"
        case .seed: "the reference base (JSON seed file)"
        case .nameMatching: "birth and first name rule"
        case .authorizedIDAM: "an approval number (IDAM) allowed to call, repeatable (comma-separated in the environment); others get siram_100/desir_550; none given: any is accepted"
        case .resources: "the Resources folder (contract, default base, scenario sets)"
        case .publicURL: "base URL written in the WSDL when clients come through a proxy"
        case .logLevel: "trace, debug, info, notice, warning, error or critical; info logs one line per call"
        case .logFormat: "log lines on standard error: text (swift-log's usual line) or json (one object per line); written in batches off the event loops, at least every 100 ms and at once from warning up"
        case .scenarios: "scenarios (fault injection) loaded at start-up: a JSON file, or a built-in set such as cnda (the CNDA's response files)"
        case .journal: "append every call to this JSON Lines file"
        case .journalCapacity: "calls kept in memory for GET /admin/journal (the oldest go first)"
        case .dataDir: "keep identities and scenarios changed at run time in this folder, replayed at start"
        case .compactAfter: "compact the change log of --data-dir after this many changes"
        case .adminToken: "token the admin API requires (Authorization: Bearer); mandatory beyond loopback"
        case .eventLoops: "threads serving connections, each with its own epoll (1...256)"
        case .maxBodyBytes: "largest request body, by Content-Length or summed over chunks: 413 (a SOAP fault on POST /lps)"
        case .maxHeaderBytes: "largest head (request line and header fields), also of a chunked body's trailers: 431"
        case .maxHeaderCount: "most header fields (and most trailer fields): 431"
        case .maxRequestLineBytes: "longest request line: 414 (400 when it is not a request line at all)"
        case .maxChunkLineBytes: "longest chunk-size line with its extensions: 400"
        case .maxEmptyLines: "empty lines (CRLF) ignored before a request line: 400 beyond"
        case .maxConnections: "open connections; a connection beyond gets 503 and is closed"
        case .maxLingerBytes: "bytes read and discarded while closing after an error answer"
        case .requestTimeout: "time for a whole request (head and body) once its first byte arrived: 408, then close"
        case .idleTimeout: "time a connection may wait for its next request, or a stalled write may make no progress: closed without an answer"
        case .lingerTimeout: "time a closing connection reads and discards what the client still sends, so the client reads the last answer instead of a reset"
        case .xmlMaxDepth: "deepest element nesting of a SOAP request: SOAP fault insisim_903"
        case .xmlMaxElements: "most elements in a SOAP request (attributes: 4 times as many): SOAP fault insisim_903"
        case .xmlMaxTextBytes: "longest text of one element of a SOAP request: SOAP fault insisim_903"
        case .findings: "judge every call against the call rules (findings in the journal, GET /admin/findings, the /ui console); off journals calls unjudged"
        }
    }

    /// Accepted range for a number.
    var range: ClosedRange<Int>? {
        switch self {
        case .port, .tlsPort: 0...65535
        case .eventLoops: 1...256
        case .journalCapacity: 1...1_000_000
        case .compactAfter: 1...Int.max
        case .maxBodyBytes: 1024...(1 << 30)
        case .maxHeaderBytes: 1024...(1 << 20)
        case .maxHeaderCount: 1...10_000
        case .maxRequestLineBytes: 64...(1 << 20)
        case .maxChunkLineBytes: 16...(1 << 20)
        case .maxEmptyLines: 1...100
        case .maxConnections: 1...1_000_000
        case .maxLingerBytes: 0...(1 << 30)
        case .xmlMaxDepth: 8...1_000
        case .xmlMaxElements: 50...1_000_000
        case .xmlMaxTextBytes: 256...(1 << 30)
        default: nil
        }
    }

    var help: ArgumentHelp {
        ArgumentHelp("\(meaning) (env \(environmentVariable)). Default: \(defaultDescription).", valueName: valueName)
    }

    /// The Markdown table of the docs (docs/reference/serve-options.md), generated from this list.
    static var markdownTable: String {
        var table = "| option | environment variable | default | meaning |\n|---|---|---|---|\n"
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        for setting in allCases {
            // A placeholder in capitals (`--port PORT`); a list of values as typed (`--findings on|off`).
            let value = setting.valueName.contains("|") ? setting.valueName : setting.valueName.uppercased()
            table += "| `\(cell(setting.option + " " + value))` | `\(setting.environmentVariable)` "
                + "| \(cell(setting.defaultDescription)) | \(cell(setting.meaning)) |\n"
        }
        return table
    }
}
