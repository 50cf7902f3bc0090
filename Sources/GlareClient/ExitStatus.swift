import GlareProtocol

/// The exit statuses of `glarectl`, one per kind of outcome, so scripts can act on them.
///
/// Documented in `glarectl --help` and docs/glarectl.md; changing a value breaks users' scripts.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The command did what was asked; for `wait` and `--follow`, every job succeeded.
    case success = 0
    /// A job the command waited for failed or was cancelled.
    case jobFailed = 1
    /// The command line was wrong; nothing was sent to the daemon.
    case usage = 2
    /// No daemon answered on the socket.
    case daemonUnreachable = 3
    /// The daemon refused: the job belongs to someone else or the request needs an admin.
    case denied = 4
    /// No such job, file or model.
    case notFound = 5
    /// Any other error from the daemon or the connection.
    case daemonError = 6

    /// A line for the help text.
    public var explanation: String {
        switch self {
        case .success: return "success (for wait, --follow and logs -f: every job succeeded)"
        case .jobFailed: return "a job failed or was cancelled"
        case .usage: return "usage error"
        case .daemonUnreachable: return "glared cannot be reached on the socket"
        case .denied: return "denied by glared (another user's job, or an admin request)"
        case .notFound: return "no such job or result file"
        case .daemonError: return "any other error from glared or the connection"
        }
    }

    /// The status a client error leads to.
    public init(_ error: ClientError) {
        switch error {
        case .daemonUnreachable: self = .daemonUnreachable
        case .errorReply(let reply) where reply.code == .denied: self = .denied
        case .errorReply(let reply) where reply.code == .notFound: self = .notFound
        case .errorReply, .protocolError, .connectionClosed, .unexpectedReply, .system: self = .daemonError
        }
    }
}
