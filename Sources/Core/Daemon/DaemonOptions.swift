import Foundation

/// Everything a `Daemon` is started with.
public struct DaemonOptions: Sendable {
    /// The state directory: `queue.sqlite`, `jobs/`, `cache/`.
    public var stateDirectory: URL
    /// Where to listen, unless `inheritedListener` is set.
    public var socketPath: String
    /// A listening socket systemd passed (socket activation).
    public var inheritedListener: Int32?
    /// The settings.
    public var configuration: DaemonConfiguration
    /// The configuration file SIGHUP re-reads, and whether it must exist.
    public var configurationFile: (path: String, required: Bool)?
    /// Where workers start.
    public var launcher: any JobLauncher
    /// The daemon's log.
    public var log: JournalLog
    /// The daemon's own environment, from which `GLARE_*` and `LANG` pass to workers.
    public var environment: [String: String]
    /// Whether to talk to systemd (readiness, status, watchdog); tests turn it off.
    public var notifiesSystemd: Bool
    /// The uid the daemon serves as; nil for its real uid. Tests set it to act as a user's daemon.
    public var serviceUid: UInt32?

    /// Creates options; the environment defaults to the process's.
    public init(
        stateDirectory: URL, socketPath: String, configuration: DaemonConfiguration = DaemonConfiguration(),
        launcher: any JobLauncher, log: JournalLog = JournalLog(), inheritedListener: Int32? = nil,
        configurationFile: (path: String, required: Bool)? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, notifiesSystemd: Bool = true
    ) {
        self.stateDirectory = stateDirectory
        self.socketPath = socketPath
        self.configuration = configuration
        self.launcher = launcher
        self.log = log
        self.inheritedListener = inheritedListener
        self.configurationFile = configurationFile
        self.environment = environment
        self.notifiesSystemd = notifiesSystemd
    }
}
