import Foundation

/// What a job's code gets from the worker that runs it: where its files go and how to talk back.
///
/// The worker builds one context per job after dropping to the owner's identity, so every path a
/// runner opens through it is opened with the owner's rights. The runners (`TrainJob`,
/// `EvaluateJob`, `InferJob`, `ExtractJob`) take nothing else from the process around them, which
/// keeps the place where a job is started (a local child process today, a Slurm batch step later)
/// replaceable.
public struct JobContext: Sendable {
    /// The job's id, for logs and default names.
    public var jobId: Int64
    /// The job's directory: log, events, checkpoints and results.
    public var directory: JobDirectory
    /// The owner's landmark cache, shared by all of the owner's jobs.
    public var landmarkCacheDirectory: URL
    /// Records a progress event; the worker appends it to `events.jsonl` for the daemon.
    public var reportProgress: @Sendable (ProgressEvent) -> Void
    /// Whether the daemon asked the job to stop (SIGTERM). A training job then saves a checkpoint
    /// and returns an `interrupted` outcome; other jobs may simply stop.
    public var stopRequested: @Sendable () -> Bool
    /// Writes one line for people to the job's log.
    public var log: @Sendable (String) -> Void

    /// Creates a context.
    public init(
        jobId: Int64, directory: JobDirectory, landmarkCacheDirectory: URL,
        reportProgress: @escaping @Sendable (ProgressEvent) -> Void,
        stopRequested: @escaping @Sendable () -> Bool,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.jobId = jobId
        self.directory = directory
        self.landmarkCacheDirectory = landmarkCacheDirectory
        self.reportProgress = reportProgress
        self.stopRequested = stopRequested
        self.log = log
    }
}
