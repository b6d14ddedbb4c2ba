import HTTPServer
import INSiSOAP

/// A SOAP fault renders itself like the server's and the admin API's errors: one way to turn an
/// error into an answer. (INSiSOAP knows nothing of HTTP, hence the conformance here.)
extension INSiFault: HTTPResponseError {
    public var status: Int { httpStatus }

    /// The SOAP 1.2 fault envelope with its status.
    public func response() -> HTTPResponse {
        INSiEndpoint.soap(httpStatus, INSiResponseWriter.fault(self))
    }
}
