/// What becomes of a job when its worker ends: the rules from exit status to state.
///
/// - exit 0: `succeeded`, with the outcome's summary.
/// - exit 75 (checkpointed and stopped): `interrupted` and queued to resume when the daemon stopped
///   it for a shutdown, `cancelled` when it was cancelled; when something else stopped it, queued
///   to resume while restarts are left, else `failed` with reason `interrupted`.
/// - any other exit status: `failed` with the outcome's reason or the status.
/// - a signal: `cancelled` or `interrupted` when the daemon sent it for a cancel or a shutdown,
///   else `failed` with "killed by signal N".
public enum WorkerEndDecision: Sendable, Equatable {
    /// Finish the job in a final state.
    case finish(state: JobState, reason: String?, summary: [String: Double]?)
    /// Put it back to wait for a resume.
    case requeue(reason: String)

    /// The reason a job gets when the daemon stopped it for a shutdown.
    public static let shutdownReason = "interrupted: glared stopped; resumes at the next start"

    /// Decides for one worker.
    ///
    /// - Parameters:
    ///   - stoppedForCancel / stoppedForShutdown: whether the daemon signalled the worker, and why.
    ///   - restarts: the job's restarts so far; `maxRestarts`: the configured limit.
    public static func decide(
        termination: ProcessTermination, outcome: WorkerOutcome?, stoppedForCancel: Bool, stoppedForShutdown: Bool,
        restarts: Int, maxRestarts: Int
    ) -> WorkerEndDecision {
        switch termination {
        case .exited(WorkerOutcome.successExitStatus):
            return .finish(state: .succeeded, reason: nil, summary: outcome?.summary)
        case .exited(WorkerOutcome.interruptedExitStatus):
            if stoppedForCancel { return .finish(state: .cancelled, reason: "cancelled", summary: outcome?.summary) }
            if stoppedForShutdown { return .requeue(reason: shutdownReason) }
            if restarts < maxRestarts {
                return .requeue(reason: outcome?.reason ?? "interrupted: the worker was stopped")
            }
            return .finish(state: .failed, reason: "interrupted", summary: outcome?.summary)
        case .exited(let status):
            if stoppedForCancel { return .finish(state: .cancelled, reason: "cancelled", summary: outcome?.summary) }
            let reason = outcome?.reason ?? "the worker exited with status \(status)"
            return .finish(state: .failed, reason: reason, summary: outcome?.summary)
        case .signaled(let signal):
            if stoppedForCancel { return .finish(state: .cancelled, reason: "cancelled", summary: nil) }
            if stoppedForShutdown { return .requeue(reason: shutdownReason) }
            return .finish(state: .failed, reason: "killed by signal \(signal)", summary: nil)
        }
    }
}
