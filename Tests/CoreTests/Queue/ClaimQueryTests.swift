import Foundation
import Testing

@testable import Core

@Suite("Claim queries")
struct ClaimQueryTests {
    /// A claim runs on every scheduler wake; a full scan of `jobs` would make it slower with every
    /// job the server has ever run (the fair-share query once took 8 ms with 20,000 finished jobs).
    @Test func everyClaimQuery_searchesThroughIndexes_andScansNoTable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try JobStore(path: directory.databaseURL)
        let database = try Database(path: directory.databaseURL.path)

        for sql in ClaimQuery.all {
            var plan: [String] = []
            try database.query("EXPLAIN QUERY PLAN " + sql) { row in plan.append(row.text(at: 3) ?? "") }
            #expect(plan.contains { $0.hasPrefix("SEARCH") }, "\(sql)\n\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(sql)\n\(plan)")
        }
    }

    @Test func claim_withFinishedHistory_stillTakesEachOwnersOldestJobInTurn() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let store = try JobStore(path: directory.databaseURL, clock: clock.function)
        let limits = SchedulingLimits()

        // Owner 1000 has a long history in the train group; owner 1001 has none.
        for index in 0..<30 {
            let job = try store.submit(trainSpec("old-\(index)"), owner: 1000)
            clock.advance(by: 1)
            let claimed = try #require(try store.claimNext(limits: limits))
            #expect(claimed.id == job.id)
            #expect(try store.finish(id: job.id, attempt: 1, state: .succeeded, reason: nil, summary: nil))
        }
        let adaFirst = try store.submit(trainSpec("ada-1"), owner: 1000)
        let adaSecond = try store.submit(trainSpec("ada-2"), owner: 1000)
        let bobOnly = try store.submit(trainSpec("bob-1"), owner: 1001)

        var order: [Int64] = []
        while let job = try store.claimNext(limits: limits) {
            order.append(job.id)
            clock.advance(by: 1)
            #expect(try store.finish(id: job.id, attempt: 1, state: .succeeded, reason: nil, summary: nil))
        }
        // Bob never started a job here, so he goes before Ada's older submissions.
        #expect(order == [bobOnly.id, adaFirst.id, adaSecond.id])
    }
}
