import Foundation
import Testing

@testable import Core

@Suite("JobStore scheduling")
struct JobStoreSchedulingTests {
    @Test func claim_marksJobRunningWithStartTimeAndFirstAttempt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let store = try JobStore(path: directory.databaseURL, clock: clock.function)

        let submitted = try store.submit(trainSpec())
        #expect(submitted.state == .queued)
        #expect(submitted.attempt == 0)
        clock.advance(by: 5)

        let claimed = try #require(try store.claimNext(limits: SchedulingLimits()))
        #expect(claimed.id == submitted.id)
        #expect(claimed.state == .running)
        #expect(claimed.attempt == 1)
        #expect(claimed.startedAt == clock.now())
        #expect(claimed.spec == trainSpec())
        #expect(try store.job(id: submitted.id) == claimed)
    }

    @Test func claim_whenGroupIsFull_returnsNil() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        let limits = SchedulingLimits()  // train 1, infer 2

        try store.submit(trainSpec("a"))
        try store.submit(trainSpec("b"))
        for index in 0..<3 { try store.submit(JobSpec(kind: .infer, model: "m", inputs: ["\(index).jpg"])) }

        var claimedGroups: [String] = []
        while let job = try store.claimNext(limits: limits) { claimedGroups.append(job.group) }
        #expect(claimedGroups.sorted() == ["infer", "infer", "train"])
        #expect(try store.counts()[.running] == 3)
        #expect(try store.counts()[.queued] == 2)
    }

    @Test func claim_afterFinish_freesTheGroupSlot() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)

        let first = try store.submit(trainSpec("a"))
        let second = try store.submit(trainSpec("b"))
        let claimed = try #require(try store.claimNext(limits: SchedulingLimits()))
        #expect(claimed.id == first.id)
        #expect(try store.claimNext(limits: SchedulingLimits()) == nil)

        #expect(try store.finish(id: first.id, attempt: 1, state: .succeeded, reason: nil, summary: ["accuracy": 0.9]))
        #expect(try store.claimNext(limits: SchedulingLimits())?.id == second.id)
        #expect(try store.job(id: first.id)?.summary == ["accuracy": 0.9])
    }

    @Test func claim_ordersByPriorityThenAge() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let store = try JobStore(path: directory.databaseURL, clock: clock.function)

        let oldLow = try store.submit(spec(group: "g", name: "old-low"), priority: 0)
        clock.advance(by: 1)
        let newHigh = try store.submit(spec(group: "g", name: "new-high"), priority: 5)
        clock.advance(by: 1)
        let newerLow = try store.submit(spec(group: "g", name: "newer-low"), priority: 0)
        clock.advance(by: 1)
        let newestHigh = try store.submit(spec(group: "g", name: "newest-high"), priority: 5)

        var order: [Int64] = []
        while let job = try store.claimNext(limits: SchedulingLimits()) {
            order.append(job.id)
            #expect(try store.finish(id: job.id, attempt: job.attempt, state: .succeeded, reason: nil, summary: nil))
        }
        #expect(order == [newHigh.id, newestHigh.id, oldLow.id, newerLow.id])
    }

    @Test func claim_whenAnOwnersFirstJobWaitsOnADependency_takesTheirNextReadyOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        // Parallelism 0 holds the parent, so the dependent cannot become ready.
        let limits = SchedulingLimits(groupParallelism: ["g": 1, "held": 0])

        let parent = try store.submit(spec(group: "held", name: "parent"))
        let blocked = try store.submit(spec(group: "g", name: "blocked"), priority: 9, after: [parent.id])
        let ready = try store.submit(spec(group: "g", name: "ready"), priority: 0)

        let claimed = try #require(try store.claimNext(limits: limits), "the owner's ready job must still run")
        #expect(claimed.id == ready.id)
        #expect(try store.job(id: blocked.id)?.state == .queued)
    }

    @Test func claim_sharesGroupFairlyBetweenTwoUsers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let store = try JobStore(path: directory.databaseURL, clock: clock.function)
        let limits = SchedulingLimits(groupParallelism: ["g": 2])

        // Alice queues three jobs first; Bob's one later job must still get the second slot.
        var alice: [Int64] = []
        for index in 0..<3 {
            alice.append(try store.submit(spec(group: "g", name: "a\(index)"), owner: 1001).id)
            clock.advance(by: 1)
        }
        let bob = try store.submit(spec(group: "g", name: "b0"), owner: 1002, priority: -10)

        let first = try #require(try store.claimNext(limits: limits))
        let second = try #require(try store.claimNext(limits: limits))
        #expect(first.id == alice[0])
        #expect(second.id == bob.id)
        #expect(try store.claimNext(limits: limits) == nil)

        // Bob has nothing left, so Alice's next job takes the slot Bob frees.
        #expect(try store.finish(id: bob.id, attempt: second.attempt, state: .succeeded, reason: nil, summary: nil))
        #expect(try store.claimNext(limits: limits)?.id == alice[1])
    }

    @Test func claim_inAGroupRunningOneJob_alternatesBetweenWaitingUsers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let store = try JobStore(path: directory.databaseURL, clock: clock.function)
        let limits = SchedulingLimits(groupParallelism: ["g": 1])

        // Alice queues three jobs before Bob's one. Between two jobs nobody runs anything, so the
        // running counts tie; Bob, who has not been served, must still come before Alice's second.
        var alice: [Int64] = []
        for index in 0..<3 {
            alice.append(try store.submit(spec(group: "g", name: "a\(index)"), owner: 1001).id)
            clock.advance(by: 1)
        }
        let bob = try store.submit(spec(group: "g", name: "b0"), owner: 1002).id

        var order: [Int64] = []
        while let job = try store.claimNext(limits: limits) {
            order.append(job.id)
            clock.advance(by: 1)
            #expect(try store.finish(id: job.id, attempt: job.attempt, state: .succeeded, reason: nil, summary: nil))
        }
        #expect(order == [alice[0], bob, alice[1], alice[2]])
    }

    @Test func claim_respectsPerUserLimits() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        var limits = unlimited
        limits.maxRunningPerUser = 2
        limits.maxRunningPerUserPerGroup = 1

        try store.submit(spec(group: "g1"), owner: 7)
        try store.submit(spec(group: "g1"), owner: 7)
        try store.submit(spec(group: "g2"), owner: 7)
        try store.submit(spec(group: "g3"), owner: 7)
        try store.submit(spec(group: "g1"), owner: 8)

        var claimed: [(UInt32, String)] = []
        while let job = try store.claimNext(limits: limits) { claimed.append((job.owner, job.group)) }
        #expect(claimed.filter { $0.0 == 7 }.count == 2)
        #expect(Set(claimed.filter { $0.0 == 7 }.map(\.1)).count == 2)
        #expect(claimed.filter { $0.0 == 8 }.count == 1)
    }

    @Test func claim_picksInterruptedJobBeforeQueuedOnes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let store = try JobStore(path: directory.databaseURL, clock: clock.function)

        let older = try store.submit(trainSpec("older"), priority: 9)
        clock.advance(by: 1)
        let resumed = try store.submit(trainSpec("resumed"))
        let first = try #require(try store.claimNext(limits: SchedulingLimits()))
        #expect(first.id == older.id)
        try store.requeueInterrupted(id: older.id, attempt: first.attempt, reason: "daemon stopped")
        #expect(try store.job(id: older.id)?.state == .interrupted)
        #expect(try store.job(id: older.id)?.restarts == 1)

        // Now make the queued one more urgent: the interrupted one still resumes first.
        _ = resumed
        let urgent = try store.submit(trainSpec("urgent"), priority: 100)
        let next = try #require(try store.claimNext(limits: SchedulingLimits()))
        #expect(next.id == older.id)
        #expect(next.attempt == 2)
        #expect(next.reason == nil)
        #expect(try store.job(id: urgent.id)?.state == .queued)
    }

    @Test func claim_isAtomicAcrossConnectionsAndThreads() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storeA = try JobStore(path: directory.databaseURL)
        let storeB = try JobStore(path: directory.databaseURL)
        let jobCount = 120
        for index in 0..<jobCount { try storeA.submit(spec(group: "g", name: "\(index)")) }

        let claims = ThreadSafeList<Int64>()
        let failures = ThreadSafeList<String>()
        runOnThreads(count: 8) { thread in
            let store = thread % 2 == 0 ? storeA : storeB
            do {
                while let job = try store.claimNext(limits: unlimited) { claims.append(job.id) }
            } catch {
                failures.append("\(error)")
            }
        }

        #expect(failures.elements.isEmpty, "\(failures.elements)")
        #expect(claims.elements.count == jobCount)
        #expect(Set(claims.elements).count == jobCount, "a job was claimed twice")
        #expect(try storeB.runningJobs().allSatisfy { $0.attempt == 1 })
    }

    @Test func claim_underConcurrency_neverExceedsGroupParallelism() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storeA = try JobStore(path: directory.databaseURL)
        let storeB = try JobStore(path: directory.databaseURL)
        for index in 0..<40 { try storeA.submit(spec(group: "g", name: "\(index)"), owner: UInt32(index % 3)) }
        let limits = SchedulingLimits(groupParallelism: ["g": 3])

        let claims = ThreadSafeList<Int64>()
        let failures = ThreadSafeList<String>()
        runOnThreads(count: 6) { thread in
            let store = thread % 2 == 0 ? storeA : storeB
            do {
                for _ in 0..<10 {
                    if let job = try store.claimNext(limits: limits) { claims.append(job.id) }
                }
            } catch {
                failures.append("\(error)")
            }
        }

        #expect(failures.elements.isEmpty, "\(failures.elements)")
        #expect(claims.elements.count == 3)
        #expect(try storeB.counts()[.running] == 3)
        // Fair share holds under contention too: the three slots went to the three owners.
        #expect(Set(try storeA.runningJobs().map(\.owner)) == [0, 1, 2])
    }

    @Test func submit_fromTwentyThreadsOnSeparateConnections_storesEveryJob() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let failures = ThreadSafeList<String>()
        let ids = ThreadSafeList<Int64>()

        runOnThreads(count: 20) { thread in
            do {
                let store = try JobStore(path: directory.databaseURL)
                for index in 0..<50 {
                    ids.append(
                        try store.submit(spec(group: "g", name: "t\(thread)-\(index)"), owner: UInt32(thread)).id)
                }
            } catch {
                failures.append("\(error)")
            }
        }

        #expect(failures.elements.isEmpty, "\(failures.elements.prefix(3))")
        let store = try JobStore(path: directory.databaseURL)
        #expect(try store.list(includeFinished: true).count == 1000)
        #expect(Set(ids.elements).count == 1000)
    }

    @Test func submit_whenUserQueueIsFull_isRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)
        var limits = SchedulingLimits()
        limits.maxQueuedPerUser = 2

        try store.submit(trainSpec(), owner: 5, limits: limits)
        try store.submit(trainSpec(), owner: 5, limits: limits)
        #expect(throws: StoreError.queueLimitReached(owner: 5, limit: 2)) {
            try store.submit(trainSpec(), owner: 5, limits: limits)
        }
        // Another user is not affected, and a claimed job no longer counts as waiting.
        try store.submit(trainSpec(), owner: 6, limits: limits)
        _ = try store.claimNext(limits: SchedulingLimits())
        try store.submit(trainSpec(), owner: 5, limits: limits)
    }
}
