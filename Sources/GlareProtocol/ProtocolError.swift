/// Why a frame or message could not be read or written.
///
/// The frame-level errors (`frameTooLarge`, `malformedJSON`, `truncated`) mean the daemon replies
/// with an error and closes the connection; `invalidMessage` is well-formed JSON that is not a
/// known message, answered with `bad_request`.
public enum ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A frame's length prefix exceeds the limit. The stream cannot be resynchronised after it.
    case frameTooLarge(length: Int, limit: Int)
    /// The payload is not valid UTF-8 JSON with an object at the top.
    case malformedJSON(detail: String)
    /// The stream ended inside a frame.
    case truncated(receivedBytes: Int, expectedBytes: Int)
    /// Valid JSON, but not a message this version knows (unknown `op`/`type`, a missing field).
    case invalidMessage(detail: String)
    /// The peer's hello names another protocol or version.
    case versionMismatch(received: Int, supported: Int)
    /// The peer's first frame was not a glare hello.
    case notHello(detail: String)

    /// The error code the daemon puts in its error reply.
    public var replyCode: ErrorCode {
        switch self {
        case .frameTooLarge: return .frameTooLarge
        case .malformedJSON, .truncated, .invalidMessage, .notHello: return .badRequest
        case .versionMismatch: return .versionMismatch
        }
    }

    /// Whether the connection must be closed after replying (framing lost, or no common protocol).
    public var closesConnection: Bool {
        switch self {
        case .invalidMessage: return false
        case .frameTooLarge, .malformedJSON, .truncated, .versionMismatch, .notHello: return true
        }
    }

    /// A sentence for the peer or the log.
    public var description: String {
        switch self {
        case .frameTooLarge(let length, let limit):
            return "frame of \(length) bytes is larger than the limit of \(limit) bytes"
        case .malformedJSON(let detail):
            return "frame is not a JSON object: \(detail)"
        case .truncated(let received, let expected):
            return "connection closed inside a frame: \(received) of \(expected) bytes received"
        case .invalidMessage(let detail):
            return "not a valid message: \(detail)"
        case .versionMismatch(let received, let supported):
            return "protocol version \(received) is not supported; this side speaks version \(supported)"
        case .notHello(let detail):
            return "the first frame must be {\"hello\": \"glare\", \"version\": \(WireProtocol.version)}: \(detail)"
        }
    }
}
