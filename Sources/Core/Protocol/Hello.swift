/// The first frame each way: `{"hello": "glare", "version": 1}`.
///
/// The daemon checks the client's hello and answers with its own, or with an error reply
/// (`version_mismatch`, `bad_request`) before closing the connection.
public struct Hello: Codable, Sendable, Equatable {
    /// Always `glare`.
    public var hello: String
    /// The protocol version the sender speaks.
    public var version: Int
    /// The sender's software version, for logs and `glarectl status`; optional.
    public var software: String?

    /// The protocol's name in `hello`.
    public static let protocolName = "glare"

    /// Creates a hello; the defaults describe this build.
    public init(version: Int = WireProtocol.version, software: String? = nil) {
        self.hello = Hello.protocolName
        self.version = version
        self.software = software
    }

    /// Checks that the peer speaks this protocol and version.
    public func check() throws(ProtocolError) {
        guard hello == Hello.protocolName else {
            throw .notHello(detail: "hello is \"\(hello)\"")
        }
        guard version == WireProtocol.version else {
            throw .versionMismatch(received: version, supported: WireProtocol.version)
        }
    }
}
