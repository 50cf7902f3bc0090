import Foundation
import Synchronization
import Testing

@testable import Core

/// Changes that arrive together share one transaction; each still succeeds or fails on its own.
@Suite("Group commit")
struct GroupCommitTests {
    /// A connection behind the mutex `GroupCommit` takes, shared by the test's threads.
    final class Connection: Sendable {
        let mutex: Mutex<Database>

        init(_ database: sending Database) {
            mutex = Mutex(database)
        }
    }

    /// A database with table `t (v INTEGER)`.
    static func makeConnection(in directory: TemporaryDirectory) throws -> Connection {
        let database = try Database(path: directory.databaseURL.path)
        try database.execute("PRAGMA journal_mode = WAL")
        try database.execute("CREATE TABLE t (v INTEGER)")
        return Connection(database)
    }

    static func values(in directory: TemporaryDirectory) throws -> [Int64] {
        let reader = try Database(path: directory.databaseURL.path)
        var values: [Int64] = []
        try reader.query("SELECT v FROM t ORDER BY v") { values.append($0.integer(at: 0) ?? -1) }
        return values
    }

    struct Refused: Error {}

    /// Starts `count` threads that each insert their number; the one numbered `failing` inserts
    /// and then throws. They begin while change 0 holds the connection, so they wait together.
    static func runBehindASlowChange(
        count: Int, failing: Int?, commit: GroupCommit, connection: Connection
    ) -> [Int: Bool] {
        let results = Mutex<[Int: Bool]>([:])
        let started = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for index in 1...count {
            group.enter()
            let thread = Thread(block: {
                started.wait()
                var succeeded = true
                do {
                    try commit.perform(on: connection.mutex) { (database: Database) throws -> Void in
                        try database.run("INSERT INTO t VALUES (?)", [.integer(Int64(index))])
                        if index == failing { throw Refused() }
                    }
                } catch {
                    succeeded = false
                }
                results.withLock { $0[index] = succeeded }
                group.leave()
            })
            thread.start()
        }
        // Change 0 leads alone and holds the connection long enough for every other one to queue.
        try? commit.perform(on: connection.mutex) { database in
            try database.run("INSERT INTO t VALUES (0)")
            for _ in 1...count { started.signal() }
            Thread.sleep(forTimeInterval: 0.3)
        }
        group.wait()
        return results.withLock { $0 }
    }

    @Test func changesThatArriveTogether_commitAsOneGroup() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let connection = try Self.makeConnection(in: directory)
        let commit = GroupCommit()

        let results = Self.runBehindASlowChange(count: 6, failing: nil, commit: commit, connection: connection)
        #expect(results.values.allSatisfy { $0 }, "\(results)")
        #expect(commit.groupsRun == 2, "change 0 alone, then the six that waited for it together")
        #expect(try Self.values(in: directory) == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test func aChangeThatThrows_isRolledBackAloneAndItsGroupCommits() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let connection = try Self.makeConnection(in: directory)
        let commit = GroupCommit()

        let results = Self.runBehindASlowChange(count: 5, failing: 3, commit: commit, connection: connection)
        #expect(results[3] == false)
        #expect([1, 2, 4, 5].allSatisfy { results[$0] == true }, "\(results)")
        #expect(commit.groupsRun == 2)
        #expect(try Self.values(in: directory) == [0, 1, 2, 4, 5], "the failed change's row must be gone, no other")
    }

    @Test func aChangeThatReturned_isVisibleToAnotherConnection() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let connection = try Self.makeConnection(in: directory)
        let commit = GroupCommit()
        let count = try commit.perform(on: connection.mutex) { database -> Int in
            try database.run("INSERT INTO t VALUES (42)")
        }
        #expect(count == 1)
        #expect(try Self.values(in: directory) == [42])
    }
}
