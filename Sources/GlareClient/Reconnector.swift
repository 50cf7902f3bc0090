import Glibc

/// Opens connections to the daemon and, after a lost connection, retries while it restarts.
///
/// The first connection fails at once when no daemon answers (a user mistyped the socket); only
/// after a connection was lost does the reconnector wait, for at most `window`, because a
/// daemon that was running is likely restarting (SIGTERM, then systemd starts it again).
public struct Reconnector {
    /// Opens a new connection.
    public var connect: () throws(ClientError) -> DaemonConnection
    /// How long to keep trying after a connection was lost.
    public var window: Duration
    /// The pause between two attempts.
    public var retryInterval: Duration

    /// Creates a reconnector.
    public init(
        window: Duration = .seconds(60), retryInterval: Duration = .milliseconds(500),
        connect: @escaping () throws(ClientError) -> DaemonConnection
    ) {
        self.connect = connect
        self.window = window
        self.retryInterval = retryInterval
    }

    /// Whether an error means the connection was lost (as opposed to a refusal or bad bytes).
    public static func isLostConnection(_ error: ClientError) -> Bool {
        switch error {
        case .connectionClosed, .protocolError(.truncated): return true
        case .system(let operation, _): return operation == "read" || operation == "send"
        default: return false
        }
    }

    /// Runs `body` on a new connection; when the connection is lost, runs it again on another.
    ///
    /// Only for requests that are safe to repeat (`wait`, `show`, `list`), never `submit`.
    public func call<Result>(
        _ body: (DaemonConnection) throws(ClientError) -> Result
    ) throws(ClientError) -> Result {
        var connection = try connect()
        while true {
            do {
                defer { connection.close() }
                return try body(connection)
            } catch  where Reconnector.isLostConnection(error) {
                connection = try reconnect()
            }
        }
    }

    /// Connects, retrying while the daemon is unreachable or hangs up, until `window` has passed.
    public func reconnect() throws(ClientError) -> DaemonConnection {
        let deadline = ContinuousClock.now + window
        while true {
            do {
                return try connect()
            } catch {
                let retryable: Bool
                if case .daemonUnreachable = error {
                    retryable = true
                } else {
                    retryable = Reconnector.isLostConnection(error)
                }
                guard retryable, ContinuousClock.now + retryInterval < deadline else { throw error }
            }
            pauseBeforeRetry()
        }
    }

    /// Blocks the calling thread for `retryInterval`, sleeping on after a signal interrupts it.
    public func pauseBeforeRetry() {
        let (seconds, attoseconds) = retryInterval.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
