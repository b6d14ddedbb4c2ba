/// The README.md written into a test PKI folder: what each file is, and how to point common
/// client stacks at the simulator's mutual-TLS listener with them.
enum TestPKIReadme {
    static func text(_ options: TestPKI.Options) -> String {
        let host = options.hosts.first ?? "localhost"
        let url = "https://\(host):8443/lps"
        let action = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"
        let cardRows = TestPKI.cards.map { card in
            "| `\(card.name).pem`, `\(card.name)-key.pem`, `\(card.name).p12` | \(card.givenName) \(card.surname), \(card.profession), "
                + "card \(card.cardNumber)\(card.authority == .eCPS ? " (issued by the e-CPS CA)" : "") | \(card.outcome) |"
        }.joined(separator: "\n")
        let clientRows = TestPKI.clients.map { client in
            let files = "`\(client.name).pem`, `\(client.name)-key.pem`" + (client.pkcs12 ? ", `\(client.name).p12`" : "")
            return "| \(files) | CN \(client.commonName)\(client.expired ? ", expired" : "") | \(client.outcome) |"
        }.joined(separator: "\n")
        return """
        # insi-sim test PKI

        Made by `insi-sim certs generate` for testing only: the keys are not protected and the
        authority is known to nobody but you. Never trust `ca.pem` beyond a test machine.

        | file | what | with insi-sim |
        |---|---|---|
        | `ca.pem` | the authority (CN TEST AC INSI-SIM ORGANISATIONS) | clients trust it; the server checks client certificates against it |
        | `ca-key.pem` | its key | only to issue more certificates |
        | `server.pem`, `server-key.pem` | the server, valid for \(options.serverNames.joined(separator: ", ")) | `insi-sim serve --tls-dir THIS-FOLDER` |
        \(clientRows)
        | `card-ca.pem`, `card-ca-key.pem` | the CPx card authority (CN TEST AC INSI-SIM FORT PERSONNES) | the CPx endpoint checks card assertions against it |
        | `ecps-ca.pem`, `ecps-ca-key.pem` | an e-CPS authority | assertions of its cards are refused as e-CPS |
        \(cardRows)

        `.pem` files are PEM certificates, `-key.pem` files PKCS#8 keys without a password, `.p12`
        files PKCS#12 archives (key, certificate and `ca.pem`) with the password `\(TestPKI.password)`.
        Certificates are valid \(options.days) days from their making.

        Start the simulator with this folder, then change only the URL of your software to
        `\(url)` and make it trust `ca.pem`:

            insi-sim serve --tls-dir THIS-FOLDER

        ## curl

            curl --cacert ca.pem --cert insi-auto.pem --key insi-auto-key.pem \\
              -H 'Content-Type: application/soap+xml; charset=utf-8; action="\(action)"' \\
              --data-binary @request.xml \(url)

        With the PKCS#12 file instead: `--cert-type P12 --cert insi-auto.p12:\(TestPKI.password)`.

        ## Java (keystore and truststore)

        The `.p12` file is a keystore as it is. Make a truststore holding `ca.pem`:

            keytool -importcert -noprompt -alias insi-sim-ca -file ca.pem \\
              -keystore insi-sim-truststore.p12 -storetype PKCS12 -storepass \(TestPKI.password)

        Then start the JVM (or configure your SSLContext) with:

            -Djavax.net.ssl.keyStore=insi-auto.p12 -Djavax.net.ssl.keyStoreType=PKCS12
            -Djavax.net.ssl.keyStorePassword=\(TestPKI.password)
            -Djavax.net.ssl.trustStore=insi-sim-truststore.p12 -Djavax.net.ssl.trustStoreType=PKCS12
            -Djavax.net.ssl.trustStorePassword=\(TestPKI.password)

        ## .NET

        Add the client certificate to the handler, and trust `ca.pem` for this client only
        (.NET 5 or later; on .NET Framework import `ca.pem` into the user's trusted roots with
        `certutil -user -addstore Root ca.pem` instead):

            var ca = new X509Certificate2("ca.pem");
            var handler = new HttpClientHandler();
            handler.ClientCertificates.Add(new X509Certificate2("insi-auto.p12", "\(TestPKI.password)"));
            handler.ServerCertificateCustomValidationCallback = (message, certificate, chain, errors) =>
            {
                if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                return chain.Build(certificate);
            };

        ## Node.js

            const agent = new https.Agent({
              pfx: fs.readFileSync("insi-auto.p12"), passphrase: "\(TestPKI.password)",
              ca: fs.readFileSync("ca.pem"),
            });

        Give `agent` to `https.request` (or your SOAP library's HTTP options). To trust
        `ca.pem` process-wide instead: `NODE_EXTRA_CA_CERTS=ca.pem`.

        ## Python (requests, zeep)

            requests.post("\(url)", data=body, headers=headers,
                          cert=("insi-auto.pem", "insi-auto-key.pem"), verify="ca.pem")

        For zeep, set `cert` and `verify` on a `requests.Session` and give it to the client:
        `zeep.Client("\(url)?wsdl", transport=zeep.transports.Transport(session=session))`.
        When `REQUESTS_CA_BUNDLE` is set in the environment, requests uses it instead of a
        session's `verify`: unset it, or set `session.trust_env = False`.

        ## CPx cards (the CPx endpoint)

        A practitioner calling from a workstation signs in with a CPx card, and the software puts
        the card's signed SAML assertion in `wsse:Security`. Without a test card, sign one with a
        card of this folder and paste it into your request (or give it to `insi-sim lookup
        --assertion`):

            insi-sim assertion sign --card card-doctor.p12 --out assertion.xml

        The CPx endpoint is a TLS listener that asks for no client certificate; it checks the
        assertion against `card-ca.pem` (signature, card certificate, freshness):

            insi-sim serve --tls-dir THIS-FOLDER --client-cert none

        """
    }
}
