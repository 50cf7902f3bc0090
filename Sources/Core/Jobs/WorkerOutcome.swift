/// How a worker ended, as its exit status and its `outcome.json` tell the daemon.
///
/// The exit status alone decides the job's state; `outcome.json` adds the reason and a summary.
public struct WorkerOutcome: Codable, Sendable, Equatable {
    /// Exit status of a worker whose job succeeded.
    public static let successExitStatus: Int32 = 0
    /// Exit status of a worker whose job failed; the reason is in `outcome.json` and the log.
    public static let failureExitStatus: Int32 = 1
    /// Exit status of a worker that was asked to stop (SIGTERM), saved a checkpoint, and can resume.
    public static let interruptedExitStatus: Int32 = 75

    /// `succeeded`, `failed` or `interrupted`.
    public var state: JobState
    /// Why the job did not succeed.
    public var reason: String?
    /// Figures for `glarectl show`: accuracy, counts of files processed and dropped, and so on.
    public var summary: [String: Double]

    /// Creates an outcome.
    public init(state: JobState, reason: String? = nil, summary: [String: Double] = [:]) {
        self.state = state
        self.reason = reason
        self.summary = summary
    }
}
