import Foundation

/// glared's settings, from its configuration file (docs/configuration.md) and command line.
///
/// Every field has a default, so an empty or missing default file gives a working daemon.
public struct DaemonConfiguration: Sendable, Equatable {
    /// The socket path; the command line's `--socket` wins over it.
    public var socketPath: String?
    /// The state directory (queue database, job directories); `--state-dir` wins over it.
    public var stateDirectory: String?
    /// Jobs each group runs at once (`parallelism.<group> = N`).
    public var parallelism: [String: Int] = SchedulingLimits.defaultGroupParallelism
    /// Jobs a group without its own `parallelism.<group>` runs at once.
    public var defaultParallelism = 1
    /// Seconds between SIGTERM and SIGKILL when a job is cancelled or the daemon stops.
    public var graceSeconds: Double = 30
    /// `OPENBLAS_NUM_THREADS` in every worker's environment.
    public var openblasThreads = 1
    /// Times a job may be found interrupted by a crash and resumed before it fails as `interrupted`.
    public var maxRestarts = 3
    /// Final jobs older than this many days are removed with their files; nil keeps them.
    public var retentionDays: Double?
    /// At most this many final jobs are kept (the oldest go first); nil keeps them all.
    public var retentionCount: Int?
    /// Landmark cache records no job has used for this many days are deleted; nil keeps them.
    public var cacheDays: Double? = 90
    /// A job's log stops growing at this many bytes (a line in the log says so).
    public var logMaxBytes: Int64 = 64 * 1024 * 1024
    /// Members of this group are admins (as is root, and the daemon's own user).
    public var adminGroup = "glare-admin"
    /// Jobs one user may keep waiting; nil for no limit.
    public var maxQueuedPerUser: Int?
    /// Jobs one user may run at once; nil for no limit.
    public var maxRunningPerUser: Int?
    /// Jobs one user may run at once in one group; nil for no limit.
    public var maxRunningPerUserPerGroup: Int?
    /// The least severe journal entries written.
    public var logLevel: JournalLog.Priority = .info
    /// Connections served at once, for all users together (`max_connections`).
    public var maxConnections = 1024
    /// Connections served at once for one user other than root (`max_connections_per_user`).
    public var maxConnectionsPerUser = 64
    /// Seconds a connection may stay silent between requests before it is closed (`idle_seconds`);
    /// a stream, such as a followed log or a wait, is not silence.
    public var idleSeconds: Double = 600
    /// How workers start (`launcher = zygote | spawn`); read at start-up only.
    public var launcher: WorkerLaunchMethod = .zygote

    /// How glared starts a job's worker.
    public enum WorkerLaunchMethod: String, Sendable, Equatable {
        /// Forked by a pre-started `glare-worker --zygote` (`ZygoteJobLauncher`), spawned when that fails.
        case zygote
        /// A fresh `glare-worker` process each time (`LocalJobLauncher`).
        case spawn
    }

    /// The defaults.
    public init() {}

    /// The scheduling limits these settings describe.
    public var schedulingLimits: SchedulingLimits {
        SchedulingLimits(
            groupParallelism: parallelism, defaultParallelism: defaultParallelism,
            maxRunningPerUser: maxRunningPerUser, maxRunningPerUserPerGroup: maxRunningPerUserPerGroup,
            maxQueuedPerUser: maxQueuedPerUser)
    }

    /// The default configuration file's path.
    public static let defaultPath = "/etc/glare/glared.conf"

    /// Reads the file at `path`.
    ///
    /// - Parameter required: false for the default path, whose absence is fine (defaults apply).
    /// - Throws: `ConfigurationError` naming the file, and the line for a bad line.
    public static func load(path: String, required: Bool) throws(ConfigurationError) -> DaemonConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: path)
            if missing && !required { return DaemonConfiguration() }
            throw .unreadable(path: path, detail: missing ? "no such file" : "\(error.localizedDescription)")
        }
        return try ConfigurationParser.parse(text, path: path)
    }
}
