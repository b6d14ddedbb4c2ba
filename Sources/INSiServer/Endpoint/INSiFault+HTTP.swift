import HTTPServer
import INSiSOAP

/// A SOAP fault renders itself like the server's and the admin API's errors: one way to turn an
/// error into an answer. (INSiSOAP knows nothing of HTTP, hence the conformance here.)
extension INSiFault: HTTPResponseError {
    public var status: Int { httpStatus }

    /// The fault envelope (SOAP 1.2, or 1.1 for a VersionMismatch answered to a SOAP 1.1
    /// client) with its status and content type.
    public func response() -> HTTPResponse {
        INSiEndpoint.soap(httpStatus, INSiResponseWriter.fault(self), contentType: INSiResponseWriter.contentType(of: self))
    }
}
