import Testing

@testable import Core

@Suite("Scheduling policy")
struct SchedulingPolicyTests {
    private func candidate(
        _ id: Int64, owner: UInt32 = 1, group: String = "g", priority: Int = 0, age: Double = 0,
        resumes: Bool = false
    ) -> SchedulingCandidate {
        SchedulingCandidate(
            id: id, owner: owner, group: group, priority: priority, createdAt: 1000 - age, waitsForResume: resumes)
    }

    @Test func select_whenGroupIsFull_skipsItForAnotherGroup() {
        let limits = SchedulingLimits(groupParallelism: ["g": 1, "h": 1])
        let chosen = SchedulingPolicy.select(
            ready: [candidate(1, priority: 9), candidate(2, group: "h")], running: [candidate(9)], limits: limits)
        #expect(chosen?.id == 2)
    }

    @Test func select_prefersTheOwnerWithFewerRunningJobsOverPriority() {
        let limits = SchedulingLimits(groupParallelism: ["g": 3])
        let ready = [candidate(1, owner: 1, priority: 50, age: 100), candidate(2, owner: 2, priority: 0)]
        let chosen = SchedulingPolicy.select(ready: ready, running: [candidate(9, owner: 1)], limits: limits)
        #expect(chosen?.id == 2)
    }

    @Test func select_breaksTiesByPriorityThenAgeThenId() {
        let limits = SchedulingLimits(groupParallelism: ["g": 3])
        #expect(
            SchedulingPolicy.select(
                ready: [candidate(1, age: 10), candidate(2, priority: 1)], running: [], limits: limits)?.id == 2)
        #expect(
            SchedulingPolicy.select(ready: [candidate(1, age: 1), candidate(2, age: 10)], running: [], limits: limits)?
                .id == 2)
        #expect(SchedulingPolicy.select(ready: [candidate(5), candidate(4)], running: [], limits: limits)?.id == 4)
    }

    @Test func select_putsResumingJobsFirst() {
        let limits = SchedulingLimits(groupParallelism: ["g": 3])
        let ready = [candidate(1, priority: 100, age: 100), candidate(2, owner: 2, resumes: true)]
        #expect(SchedulingPolicy.select(ready: ready, running: [candidate(8, owner: 2)], limits: limits)?.id == 2)
    }

    @Test func select_withZeroParallelism_startsNothing() {
        let limits = SchedulingLimits(groupParallelism: ["g": 0])
        #expect(SchedulingPolicy.select(ready: [candidate(1)], running: [], limits: limits) == nil)
    }
}
