/// Everything the queue knows about one job: what was asked, by whom, and where it is.
public struct JobRecord: Codable, Sendable, Equatable {
    /// The job's id, assigned by the store, increasing, never reused.
    public var id: Int64
    /// What the owner asked for.
    public var spec: JobSpec
    /// The owner's uid, from the socket's peer credentials.
    public var owner: UInt32
    /// The owner's user name at submit time.
    public var ownerName: String
    /// The scheduling group (`spec.effectiveGroup` at submit time).
    public var group: String
    /// Higher runs first among one user's waiting jobs in a group.
    public var priority: Int
    /// Jobs that must succeed before this one starts.
    public var dependencies: [Int64]
    /// Where the job is in its life.
    public var state: JobState
    /// When it was submitted, seconds since the Unix epoch.
    public var createdAt: Double
    /// When its current (or last) attempt was claimed.
    public var startedAt: Double?
    /// When it reached a final state.
    public var finishedAt: Double?
    /// The last progress event the daemon stored.
    public var progress: ProgressEvent?
    /// Why it failed, was cancelled or interrupted.
    public var reason: String?
    /// Figures from the worker's outcome.
    public var summary: [String: Double]?
    /// The worker's process id while running.
    public var pid: Int32?
    /// The worker's start time (field 22 of `/proc/<pid>/stat`), telling it from a later process with the same pid.
    public var pidStartTime: UInt64?
    /// Claims so far; the fencing token every supervisor call carries.
    public var attempt: Int
    /// Times the job was interrupted and put back to wait for a resume.
    public var restarts: Int
    /// Whether a cancel was asked for while it ran; the supervisor stops it and then finishes it as cancelled.
    public var cancelRequested: Bool

    /// Creates a record.
    public init(
        id: Int64, spec: JobSpec, owner: UInt32, ownerName: String, group: String, priority: Int,
        dependencies: [Int64], state: JobState, createdAt: Double, startedAt: Double? = nil,
        finishedAt: Double? = nil, progress: ProgressEvent? = nil, reason: String? = nil,
        summary: [String: Double]? = nil, pid: Int32? = nil, pidStartTime: UInt64? = nil, attempt: Int = 0,
        restarts: Int = 0, cancelRequested: Bool = false
    ) {
        self.id = id
        self.spec = spec
        self.owner = owner
        self.ownerName = ownerName
        self.group = group
        self.priority = priority
        self.dependencies = dependencies
        self.state = state
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.progress = progress
        self.reason = reason
        self.summary = summary
        self.pid = pid
        self.pidStartTime = pidStartTime
        self.attempt = attempt
        self.restarts = restarts
        self.cancelRequested = cancelRequested
    }
}
