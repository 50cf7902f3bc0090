/// What the daemon hands a launcher to start one attempt of a job.
public struct LaunchRequest: Sendable {
    /// The job as claimed (its `attempt` is the fencing token).
    public var job: JobRecord
    /// Its directory, created and owned by the job's owner.
    public var directory: JobDirectory
    /// The owner's landmark cache directory.
    public var cacheDirectory: String
    /// Whether the worker must drop to the owner's identity (the daemon runs as root, the owner is not root).
    public var dropsToOwner: Bool
    /// The owner's primary group.
    public var ownerGroup: UInt32
    /// The worker's environment, complete.
    public var environment: [String: String]
    /// The size at which the job's log stops growing.
    public var logMaxBytes: Int64

    /// Creates a request.
    public init(
        job: JobRecord, directory: JobDirectory, cacheDirectory: String, dropsToOwner: Bool, ownerGroup: UInt32,
        environment: [String: String], logMaxBytes: Int64
    ) {
        self.logMaxBytes = logMaxBytes
        self.job = job
        self.directory = directory
        self.cacheDirectory = cacheDirectory
        self.dropsToOwner = dropsToOwner
        self.ownerGroup = ownerGroup
        self.environment = environment
    }
}

/// A started worker, as its launcher identifies it.
public struct LaunchedWorker: Sendable, Equatable {
    /// The worker's process id, also its process group id.
    public var processId: Int32
    /// The process's start time (`/proc/<pid>/stat` field 22), recorded with the pid.
    public var startTime: UInt64

    /// Creates a value.
    public init(processId: Int32, startTime: UInt64) {
        self.processId = processId
        self.startTime = startTime
    }
}

/// The place where a job's worker is started, watched and signalled.
///
/// `LocalJobLauncher` runs `glare-worker` as a child process on this machine. A Slurm launcher
/// would submit the same worker command with `sbatch` and map `waitForEnd` and `signal` onto
/// `sacct` and `scancel`; the daemon's scheduler and supervisor do not change.
public protocol JobLauncher: Sendable {
    /// Starts the worker for `request`.
    func launch(_ request: LaunchRequest) throws -> LaunchedWorker
    /// Blocks until the worker ended, and says how.
    func waitForEnd(_ worker: LaunchedWorker) throws -> ProcessTermination
    /// Sends `signal` to the worker and everything it started.
    func signal(_ worker: LaunchedWorker, _ signal: Int32) throws
}
