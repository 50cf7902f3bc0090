import Foundation
import Testing

@testable import Core

@Suite("JobStore lifecycle")
struct JobStoreLifecycleTests {
    @Test func dependency_waitsUntilParentSucceeds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)

        let parent = try store.submit(spec(group: "a"))
        let child = try store.submit(spec(group: "b"), after: [parent.id])
        #expect(child.dependencies == [parent.id])

        let claimed = try #require(try store.claimNext(limits: unlimited))
        #expect(claimed.id == parent.id)
        #expect(try store.claimNext(limits: unlimited) == nil, "the child started before its parent finished")

        #expect(try store.finish(id: parent.id, attempt: 1, state: .succeeded, reason: nil, summary: nil))
        #expect(try store.claimNext(limits: unlimited)?.id == child.id)
    }

    @Test func dependency_whenParentFails_failsDependentsAtOnceNamingTheParent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)

        let parent = try store.submit(spec(group: "a"))
        let child = try store.submit(spec(group: "b"), after: [parent.id])
        let grandchild = try store.submit(spec(group: "c"), after: [child.id])
        let bystander = try store.submit(spec(group: "d"))
        _ = try #require(try store.claimNext(limits: SchedulingLimits(groupParallelism: ["d": 0])))

        #expect(try store.finish(id: parent.id, attempt: 1, state: .failed, reason: "out of memory", summary: nil))
        let failedChild = try #require(try store.job(id: child.id))
        #expect(failedChild.state == .failed)
        #expect(failedChild.reason == "dependency \(parent.id) failed")
        #expect(failedChild.finishedAt != nil)
        #expect(try store.job(id: grandchild.id)?.reason == "dependency \(child.id) failed")
        #expect(try store.job(id: bystander.id)?.state == .queued)
    }

    @Test func submit_afterFailedDependency_failsTheNewJobAtOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)

        let good = try store.submit(spec(group: "a"))
        let cancelled = try store.cancel(id: try store.submit(spec(group: "a")).id)
        #expect(cancelled.state == .cancelled)

        let job = try store.submit(spec(group: "b"), after: [good.id, cancelled.id])
        #expect(job.state == .failed)
        #expect(job.reason == "dependency \(cancelled.id) failed")
        #expect(job.dependencies == [good.id, cancelled.id])
    }

    @Test func submit_withUnknownDependency_isRefusedAndStoresNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)

        #expect(throws: StoreError.unknownDependency(id: 42)) {
            try store.submit(trainSpec(), after: [42])
        }
        #expect(try store.list(includeFinished: true).isEmpty)
    }

    @Test func finish_withStaleAttempt_isRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        let job = try store.submit(trainSpec())

        let first = try #require(try store.claimNext(limits: SchedulingLimits()))
        try store.markStarted(id: job.id, attempt: first.attempt, pid: 4242, pidStartTime: 987_654)
        #expect(try store.job(id: job.id)?.pid == 4242)
        #expect(try store.job(id: job.id)?.pidStartTime == 987_654)
        try store.requeueInterrupted(id: job.id, attempt: first.attempt, reason: "daemon restart")
        let second = try #require(try store.claimNext(limits: SchedulingLimits()))
        #expect(second.attempt == first.attempt + 1)
        #expect(second.pid == nil)

        // The first attempt's supervisor wakes up late: none of its calls may touch the new attempt.
        #expect(
            try store.finish(id: job.id, attempt: first.attempt, state: .failed, reason: "late", summary: nil) == false)
        try store.recordProgress(id: job.id, attempt: first.attempt, event: ProgressEvent(phase: "epoch", time: 1))
        #expect(throws: StoreError.staleAttempt(id: job.id, attempt: first.attempt, current: second.attempt)) {
            try store.markStarted(id: job.id, attempt: first.attempt, pid: 1, pidStartTime: 1)
        }
        #expect(try store.job(id: job.id)?.state == .running)
        #expect(try store.job(id: job.id)?.progress == nil)

        let event = ProgressEvent(phase: "epoch", time: 2, done: 1, total: 3, metrics: ["loss": 0.5])
        try store.recordProgress(id: job.id, attempt: second.attempt, event: event)
        #expect(try store.job(id: job.id)?.progress == event)
        #expect(try store.finish(id: job.id, attempt: second.attempt, state: .succeeded, reason: nil, summary: nil))
        #expect(
            try store.finish(id: job.id, attempt: second.attempt, state: .failed, reason: nil, summary: nil) == false)
        #expect(try store.job(id: job.id)?.state == .succeeded)
    }

    @Test func finish_withWaitingState_throws() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        let job = try store.submit(trainSpec())
        _ = try store.claimNext(limits: SchedulingLimits())

        #expect(throws: StoreError.notFinalState(.interrupted)) {
            try store.finish(id: job.id, attempt: 1, state: .interrupted, reason: nil, summary: nil)
        }
    }

    @Test func cancel_whenQueued_cancelsAtOnceAndTheJobNeverStarts() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        let job = try store.submit(trainSpec())

        let cancelled = try store.cancel(id: job.id)
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.finishedAt != nil)
        #expect(try store.claimNext(limits: SchedulingLimits()) == nil)
        #expect(throws: StoreError.invalidState(id: job.id, state: .cancelled, operation: "cancel")) {
            try store.cancel(id: job.id)
        }
        #expect(throws: StoreError.notFound(id: 999)) { try store.cancel(id: 999) }
        #expect(
            StoreError.invalidState(id: 3, state: .succeeded, operation: "retry").description
                == "cannot retry job 3: it has succeeded")
        #expect(
            StoreError.invalidState(id: 3, state: .cancelled, operation: "cancel").description
                == "cannot cancel job 3: it was cancelled")
    }

    @Test func cancel_whenRunning_onlyRequestsItUntilTheSupervisorFinishes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        let job = try store.submit(trainSpec())
        let claimed = try #require(try store.claimNext(limits: SchedulingLimits()))

        let requested = try store.cancel(id: job.id)
        #expect(requested.state == .running)
        #expect(requested.cancelRequested)
        #expect(
            try store.finish(
                id: job.id, attempt: claimed.attempt, state: .cancelled, reason: "cancelled by owner", summary: nil))
        #expect(try store.job(id: job.id)?.state == .cancelled)
    }

    @Test func finish_asFailedAfterCancelRequest_recordsCancelled() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        let job = try store.submit(trainSpec())
        let child = try store.submit(trainSpec(), after: [job.id])
        let claimed = try #require(try store.claimNext(limits: SchedulingLimits()))
        _ = try store.cancel(id: job.id)

        #expect(try store.finish(id: job.id, attempt: claimed.attempt, state: .failed, reason: "killed", summary: nil))
        #expect(try store.job(id: job.id)?.state == .cancelled)
        #expect(try store.job(id: child.id)?.state == .failed)
    }

    @Test func requeue_whenCancelWasRequested_cancelsInsteadOfWaiting() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        let job = try store.submit(trainSpec())
        let claimed = try #require(try store.claimNext(limits: SchedulingLimits()))
        _ = try store.cancel(id: job.id)

        try store.requeueInterrupted(id: job.id, attempt: claimed.attempt, reason: "shutdown")
        #expect(try store.job(id: job.id)?.state == .cancelled)
        #expect(try store.claimNext(limits: SchedulingLimits()) == nil)
    }

    @Test func retry_createsNewQueuedJobWithTheSameSpec() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        let original = try store.submit(trainSpec("x"), owner: 77, priority: 3)
        let claimed = try #require(try store.claimNext(limits: SchedulingLimits()))
        #expect(
            try store.finish(id: original.id, attempt: claimed.attempt, state: .failed, reason: "boom", summary: nil))

        let retried = try store.retry(id: original.id)
        #expect(retried.id != original.id)
        #expect(retried.state == .queued)
        #expect(retried.spec == original.spec)
        #expect(retried.owner == 77)
        #expect(retried.priority == 3)
        #expect(try store.job(id: original.id)?.reason == "boom")

        #expect(throws: StoreError.invalidState(id: retried.id, state: .queued, operation: "retry")) {
            try store.retry(id: retried.id)
        }
    }

    @Test func remove_onlyDeletesFinalJobsWithoutWaitingDependents() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        let parent = try store.submit(spec(group: "a"))
        let child = try store.submit(spec(group: "b"), after: [parent.id])

        #expect(throws: StoreError.invalidState(id: parent.id, state: .queued, operation: "remove")) {
            try store.remove(id: parent.id)
        }
        _ = try store.claimNext(limits: unlimited)
        #expect(try store.finish(id: parent.id, attempt: 1, state: .succeeded, reason: nil, summary: nil))
        #expect(throws: StoreError.hasWaitingDependents(id: parent.id, dependents: [child.id])) {
            try store.remove(id: parent.id)
        }

        _ = try store.cancel(id: child.id)
        try store.remove(id: parent.id)
        #expect(try store.job(id: parent.id) == nil)
        #expect(try store.job(id: child.id)?.dependencies == [])
    }

    @Test func finishedJobs_returnsOnlyFinalJobsOlderThanTheCutoff() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let store = try JobStore(path: directory.databaseURL, clock: clock.function)

        let old = try store.cancel(id: try store.submit(trainSpec()).id)
        clock.advance(by: 100)
        let recent = try store.cancel(id: try store.submit(trainSpec()).id)
        let waiting = try store.submit(trainSpec())

        let expired = try store.finishedJobs(olderThan: clock.now() - 50)
        #expect(expired.map(\.id) == [old.id])
        #expect(try store.list(includeFinished: false).map(\.id) == [waiting.id])
        #expect(try store.list(includeFinished: true).map(\.id) == [old.id, recent.id, waiting.id])
        let counts = try store.counts()
        #expect(counts[.cancelled] == 2)
        #expect(counts[.queued] == 1)
        #expect(counts[.succeeded] == 0)
    }

    @Test func claim_whenStoredSpecIsUnreadable_failsThatJobAndClaimsTheNext() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        let broken = try store.submit(trainSpec("broken"), priority: 10)
        let healthy = try store.submit(trainSpec("healthy"))
        do {
            let database = try Database(path: directory.databaseURL.path)
            try database.run("UPDATE jobs SET spec = '{\"kind\": \"teleport\"}' WHERE id = ?", [.integer(broken.id)])
        }

        let claimed = try #require(try store.claimNext(limits: SchedulingLimits()))
        #expect(claimed.id == healthy.id)
        #expect(throws: StoreError.self) { try store.job(id: broken.id) }

        // The operator can still clear the broken row away.
        try store.remove(id: broken.id)
        #expect(try store.list(includeFinished: true).map(\.id) == [healthy.id])
    }
}
