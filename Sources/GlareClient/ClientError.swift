import GlareProtocol

/// Why a call to the daemon did not give the answer asked for.
///
/// Each case maps onto one of `glarectl`'s exit statuses (`ExitStatus`), so a script can tell an
/// absent daemon from a refused request from a job that does not exist.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No daemon answered at `socketPath`: no socket file, nothing listening, or no permission.
    case daemonUnreachable(socketPath: String, reason: String)
    /// The daemon's bytes did not follow the protocol (bad frame, bad hello, wrong version).
    case protocolError(ProtocolError)
    /// The daemon closed the connection before the answer was complete.
    case connectionClosed(whileWaitingFor: String)
    /// The daemon answered with an error reply.
    case errorReply(ErrorReply)
    /// The daemon answered with a reply that does not fit the request.
    case unexpectedReply(request: String, replyType: String)
    /// A system call on the connection failed.
    case system(operation: String, errno: Int32)

    /// A short lower-case sentence for people.
    public var description: String {
        switch self {
        case .daemonUnreachable(let socketPath, let reason):
            return "cannot reach glared at \(socketPath): \(reason)"
        case .protocolError(let error):
            return "protocol error: \(error)"
        case .connectionClosed(let waitingFor):
            return "glared closed the connection while glarectl waited for \(waitingFor)"
        case .errorReply(let reply):
            return "\(reply.message) (\(reply.code))"
        case .unexpectedReply(let request, let replyType):
            return "glared answered '\(request)' with an unexpected '\(replyType)' reply"
        case .system(let operation, let errno):
            return "\(operation) failed: \(SystemErrorText.describe(errno))"
        }
    }

    /// The error reply's code, when the daemon refused the request.
    public var errorCode: ErrorCode? {
        if case .errorReply(let reply) = self { return reply.code }
        return nil
    }
}
