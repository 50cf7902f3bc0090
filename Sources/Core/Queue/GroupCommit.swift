import Foundation
import Synchronization

/// Commits the changes that arrive together in one transaction, so they share one fsync.
///
/// Every caller hands in its change and blocks. The first caller that finds no commit in progress
/// becomes the leader: it takes every change waiting at that moment, runs them in order in one
/// `BEGIN IMMEDIATE` transaction, each inside a savepoint of its own, commits once, and then
/// wakes their callers. Changes that arrive while the leader waits for the disk form the next
/// group, led by one of their own callers. No caller returns before the transaction holding its
/// change has committed (with `synchronous = FULL`, before the WAL reached the disk), so a change
/// that returned is exactly as durable as one committed alone.
///
/// A change that throws is rolled back to its savepoint and gets its own error; the others in its
/// group still commit. Should the transaction itself fail (BEGIN or COMMIT, a full disk, an I/O
/// error that makes SQLite roll back), every change in the group gets that error and none of them
/// happened. The changes of one group run one after the other, in arrival order, exactly as if
/// each had had the write lock alone.
final class GroupCommit: @unchecked Sendable {
    // @unchecked: `waiting` and `leading` are only touched under `condition`'s lock.

    /// One caller's change and, once its group ran, how it ended.
    private final class PendingChange: @unchecked Sendable {
        // @unchecked: `run` and `failure` are touched by the leader while the caller blocks in
        // `perform`, and by the caller only after `finished` was set under the condition's lock.
        var run: ((Database) throws -> Void)?
        var failure: (any Error)?
        var finished = false

        init(run: @escaping (Database) throws -> Void) {
            self.run = run
        }
    }

    private let condition = NSCondition()
    /// The changes waiting for the next group.
    private var waiting: [PendingChange] = []
    /// Whether a leader is committing a group now.
    private var leading = false
    /// Groups run so far (committed or not), for tests and diagnostics.
    private var groupCount = 0

    /// How many groups have run.
    var groupsRun: Int {
        condition.lock()
        defer { condition.unlock() }
        return groupCount
    }

    /// Runs `change` in the next group's transaction on `connection` and returns once that committed.
    func perform<Result>(
        on connection: borrowing Mutex<Database>, _ change: (Database) throws -> Result
    ) throws -> Result {
        try withoutActuallyEscaping(change) { change in
            var result: Result?
            let pending = PendingChange { database in result = try change(database) }
            condition.lock()
            waiting.append(pending)
            while !pending.finished {
                guard !leading else {
                    condition.wait()
                    continue
                }
                leading = true
                groupCount += 1
                let group = waiting
                waiting = []
                condition.unlock()
                connection.withLock { database in GroupCommit.commit(group, in: database) }
                condition.lock()
                for member in group { member.finished = true }
                leading = false
                condition.broadcast()
            }
            condition.unlock()
            if let failure = pending.failure { throw failure }
            return result!
        }
    }

    /// Runs `group` in one transaction and records each change's failure, if any.
    private static func commit(_ group: [PendingChange], in database: Database) {
        do {
            try database.immediateTransaction {
                for member in group {
                    // The closure is dropped as soon as it ran: its caller's `withoutActuallyEscaping`
                    // must find it released when the caller returns.
                    let run = member.run!
                    member.run = nil
                    do {
                        try database.savepoint { try run(database) }
                    } catch {
                        member.failure = error
                        // Some errors (SQLITE_FULL, SQLITE_IOERR) roll the whole transaction back:
                        // what ran before in this group is gone too, so the group fails as one.
                        if database.isAutocommit { throw error }
                    }
                }
            }
        } catch {
            for member in group {
                member.run = nil
                member.failure = error
            }
        }
    }
}
