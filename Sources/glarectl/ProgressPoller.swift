import FoundationEssentials
import GlareClient
import GlareProtocol

/// Asks the daemon for a job's last progress event at most once an interval, on its own connection.
///
/// Progress is a courtesy next to the log: a failed poll (the daemon restarting) drops the
/// connection and shows nothing, and the next poll opens a new one.
final class ProgressPoller {
    private let connect: () throws(ClientError) -> DaemonConnection
    private let interval: Duration
    private var connection: DaemonConnection?
    private var lastPoll: ContinuousClock.Instant?

    /// Creates a poller that opens connections with `connect`.
    init(interval: Duration = .seconds(1), connect: @escaping () throws(ClientError) -> DaemonConnection) {
        self.interval = interval
        self.connect = connect
    }

    /// The job's last progress event, or nil when it is too early to ask again or the ask failed.
    func poll(_ id: Int64) -> ProgressEvent? {
        let now = ContinuousClock.now
        if let lastPoll, now - lastPoll < interval { return nil }
        lastPoll = now
        do {
            let active = try connection ?? connect()
            connection = active
            return try active.show(id: id).progress
        } catch {
            connection?.close()
            connection = nil
            return nil
        }
    }
}
