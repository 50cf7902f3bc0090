import Testing

@testable import Core

/// From a worker's end to its job's state.
@Suite("Worker end decision")
struct WorkerEndDecisionTests {
    func decide(
        _ termination: ProcessTermination, outcome: WorkerOutcome? = nil, cancel: Bool = false, shutdown: Bool = false,
        restarts: Int = 0, maxRestarts: Int = 3
    ) -> WorkerEndDecision {
        WorkerEndDecision.decide(
            termination: termination, outcome: outcome, stoppedForCancel: cancel, stoppedForShutdown: shutdown,
            restarts: restarts, maxRestarts: maxRestarts)
    }

    @Test func success_isSucceededWithTheOutcomesSummary() {
        let outcome = WorkerOutcome(state: .succeeded, summary: ["accuracy": 0.9])
        #expect(
            decide(.exited(0), outcome: outcome) == .finish(state: .succeeded, reason: nil, summary: ["accuracy": 0.9]))
        // A job that finished before the cancel took effect stays succeeded.
        #expect(decide(.exited(0), cancel: true) == .finish(state: .succeeded, reason: nil, summary: nil))
    }

    @Test func failure_takesTheOutcomesReasonOrTheStatus() {
        let outcome = WorkerOutcome(state: .failed, reason: "dataset folder is empty")
        #expect(
            decide(.exited(1), outcome: outcome)
                == .finish(state: .failed, reason: "dataset folder is empty", summary: [:]))
        #expect(decide(.exited(2)) == .finish(state: .failed, reason: "the worker exited with status 2", summary: nil))
    }

    @Test func signal_isFailedNamingIt_unlessTheDaemonSentIt() {
        #expect(decide(.signaled(9)) == .finish(state: .failed, reason: "killed by signal 9", summary: nil))
        #expect(decide(.signaled(9), cancel: true) == .finish(state: .cancelled, reason: "cancelled", summary: nil))
        #expect(decide(.signaled(15), shutdown: true) == .requeue(reason: WorkerEndDecision.shutdownReason))
    }

    @Test func interrupted_requeuesForShutdown_cancelsForCancel() {
        #expect(decide(.exited(75), shutdown: true, restarts: 10) == .requeue(reason: WorkerEndDecision.shutdownReason))
        #expect(decide(.exited(75), cancel: true) == .finish(state: .cancelled, reason: "cancelled", summary: nil))
    }

    @Test func interrupted_bySomethingElse_requeuesWhileRestartsAreLeft() {
        #expect(
            decide(.exited(75), restarts: 2, maxRestarts: 3) == .requeue(reason: "interrupted: the worker was stopped"))
        #expect(
            decide(.exited(75), restarts: 3, maxRestarts: 3)
                == .finish(state: .failed, reason: "interrupted", summary: nil))
    }
}
