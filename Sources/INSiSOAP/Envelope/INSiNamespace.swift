/// Namespace URIs of the INSi contract. Prefixes never matter on the wire; these URIs do.
public enum INSiNamespace {
    public static let soap12 = "http://www.w3.org/2003/05/soap-envelope"
    public static let soap11 = "http://schemas.xmlsoap.org/soap/envelope/"
    public static let recSans = "http://www.cnamts.fr/INSiRecSans"
    public static let recVit = "http://www.cnamts.fr/INSiRecVit"
    public static let resultat = "http://www.cnamts.fr/INSiResultat"
    public static let ctxlps = "urn:siram:lps:ctxlps"
    public static let ctxbam = "urn:siram:bam:ctxbam"
    public static let wsa = "http://www.w3.org/2005/08/addressing"
    public static let wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
    /// SAML 2.0 assertions (a CPx card's, in `wsse:Security`).
    public static let saml2 = "urn:oasis:names:tc:SAML:2.0:assertion"
    /// XML signatures (`ds:Signature`).
    public static let xmldsig = "http://www.w3.org/2000/09/xmldsig#"
    public static let siram = "urn:siram"
    public static let xml = "http://www.w3.org/XML/1998/namespace"
}
