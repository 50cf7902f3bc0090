/// Where a job is in its life.
///
/// `queued` and `interrupted` are waiting states; `running` has a live worker process;
/// `succeeded`, `failed` and `cancelled` are final.
public enum JobState: String, Codable, Sendable, CaseIterable {
    /// Waiting for a slot in its group and for its dependencies.
    case queued
    /// A worker process is running it.
    case running
    /// The worker exited with success and its results are in the job directory.
    case succeeded
    /// The worker failed, was killed, or a dependency failed; `reason` says which.
    case failed
    /// The owner or an admin cancelled it.
    case cancelled
    /// It was stopped by a daemon shutdown or crash; it resumes from its checkpoint when the daemon starts again.
    case interrupted

    /// Whether the state can never change again.
    public var isFinal: Bool {
        switch self {
        case .succeeded, .failed, .cancelled: return true
        case .queued, .running, .interrupted: return false
        }
    }
}
