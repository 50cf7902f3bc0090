import GlareProtocol

/// Follows a job's log to its end, reconnecting when the daemon restarts in the middle.
///
/// A daemon stopping cleanly (SIGTERM) closes its followers' connections, or ends their streams
/// with the job's non-final state; the job resumes when the daemon starts again. The follower
/// then reconnects (see `Reconnector`) and asks for the log from the byte after the last one it
/// handed over, so no byte is shown twice or lost.
public struct LogFollower {
    /// Opens connections, and new ones after a lost connection.
    public var reconnector: Reconnector

    /// Creates a follower.
    public init(reconnector: Reconnector) {
        self.reconnector = reconnector
    }

    /// Creates a follower that opens connections with `connect` and waits up to a minute for a
    /// restarting daemon.
    public init(connect: @escaping () throws(ClientError) -> DaemonConnection) {
        self.init(reconnector: Reconnector(connect: connect))
    }

    /// Streams job `id`'s log from `fromOffset` to `handle` until the job is final.
    ///
    /// - Parameter connection: an open connection to use first, if the caller has one.
    /// - Returns: the job's final state.
    public func follow(
        id: Int64, fromOffset: Int64 = 0, using connection: DaemonConnection? = nil, idleInterval: Duration? = nil,
        handle: (DaemonConnection.LogEvent) throws(ClientError) -> Void
    ) throws(ClientError) -> JobState {
        var offset = fromOffset
        var active: DaemonConnection
        if let connection {
            active = connection
        } else {
            active = try reconnector.connect()
        }

        while true {
            do {
                let state = try active.streamLog(id: id, follow: true, fromOffset: offset, idleInterval: idleInterval) {
                    event throws(ClientError) in
                    if case .chunk(let data, let chunkOffset) = event {
                        offset = chunkOffset + Int64(data.count)
                    }
                    try handle(event)
                }
                if state.isFinal { return state }
                // A stream that ends on a waiting state was cut by a daemon stopping: follow on,
                // after a pause so a daemon that keeps ending streams early is not hammered.
                reconnector.pauseBeforeRetry()
            } catch  where Reconnector.isLostConnection(error) {
                // Reconnected below.
            }
            active.close()
            active = try reconnector.reconnect()
        }
    }
}
