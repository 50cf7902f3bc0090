import FoundationEssentials

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

    /// Reads the peer's first frame as a hello and checks it.
    ///
    /// - Throws: `notHello` when the payload is JSON but not a hello (a request sent too early, say),
    ///   `malformedJSON` when it is not JSON, `versionMismatch` for another version.
    public static func read(from payload: Data) throws(ProtocolError) -> Hello {
        let hello: Hello
        do {
            hello = try FrameDecoder.decode(Hello.self, from: payload)
        } catch .invalidMessage(let detail) {
            throw .notHello(detail: detail)
        }
        try hello.check()
        return hello
    }
}
