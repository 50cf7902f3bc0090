import Foundation
import Testing

@testable import Core

@Suite("SQLite wrapper")
struct DatabaseTests {
    @Test func statement_bindsByIndexAndNameAndReadsColumns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.databaseURL.path)
        try database.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT)")

        let insert = try database.prepare("INSERT INTO t VALUES (?, :real, @text, $missing)")
        try insert.bind(.integer(Int64.min), at: 1)
        try insert.bind(.real(2.5), named: ":real")
        try insert.bind(.text("a\u{0}b é"), named: "@text")
        try insert.bind(.null, named: "$missing")
        #expect(try insert.step() == false)
        try insert.reset()
        try insert.clearBindings()
        try insert.bind(.text(""), at: 3)
        try insert.step()

        let select = try database.prepare("SELECT i, r, s, n, length(CAST(s AS BLOB)) FROM t ORDER BY rowid")
        #expect(try select.step())
        #expect(select.integer(at: 0) == Int64.min)
        #expect(select.real(at: 1) == 2.5)
        #expect(select.integer(at: 4) == 6, "the embedded NUL must not cut the text short")
        #expect(select.isNull(at: 3))
        #expect(try select.step())
        #expect(select.text(at: 2) == "", "an empty string must stay text, not NULL")
        #expect(select.integer(at: 0) == nil)
        #expect(try select.step() == false)
    }

    @Test func cachedStatements_rebindEachRunNestAndReleaseTheirRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.databaseURL.path)
        try database.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (i INTEGER, s TEXT)")
        for value in 1...3 { try database.run("INSERT INTO t VALUES (?, ?)", [.integer(Int64(value)), .text("x")]) }
        try database.run("INSERT INTO t (i) VALUES (?)", [.integer(4)])
        #expect(try database.scalarText("SELECT s FROM t WHERE i = ?", [.integer(4)]) == nil, "no stale binding")
        #expect(try database.scalarText("SELECT s FROM t WHERE i = ?", [.integer(2)]) == "x")

        // The same text inside its own row callback gets a statement of its own.
        var pairs: [Int64] = []
        try database.query("SELECT i FROM t WHERE i <= ? ORDER BY i", [.integer(2)]) { outer in
            try database.query("SELECT i FROM t WHERE i <= ? ORDER BY i", [.integer(1)]) { inner in
                pairs.append(outer.integer(at: 0)! * 10 + inner.integer(at: 0)!)
            }
        }
        #expect(pairs == [11, 21])

        // A query left after its first row must not keep its snapshot: a checkpoint that resets the
        // whole WAL needs every reader gone.
        struct Stop: Error {}
        #expect(throws: Stop.self) { try database.query("SELECT i FROM t", row: { _ in throw Stop() }) }
        let writer = try Database(path: directory.databaseURL.path)
        try writer.run("INSERT INTO t (i) VALUES (5)")
        var busy: Int64?
        try writer.query("PRAGMA wal_checkpoint(TRUNCATE)") { busy = $0.integer(at: 0) }
        #expect(busy == 0)
    }

    @Test func errors_nameTheOperationAndCarrySQLiteMessage() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.databaseURL.path)

        #expect {
            _ = try database.prepare("SELECT * FROM nowhere")
        } throws: { error in
            guard let failure = error as? DatabaseError else { return false }
            return failure.operation.hasPrefix("prepare") && failure.message.contains("no such table")
                && failure.primaryResultCode == 1
        }
        let statement = try database.prepare("SELECT ?")
        #expect(throws: DatabaseError.self) { try statement.bind(.integer(1), named: ":absent") }
        statement.finalize()
        #expect(throws: DatabaseError.self) { try statement.step() }
    }

    @Test func immediateTransaction_rollsBackWhenTheBodyThrows() throws {
        struct Abort: Error {}
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.databaseURL.path)
        try database.execute("CREATE TABLE t (x)")

        #expect(throws: Abort.self) {
            try database.immediateTransaction {
                try database.run("INSERT INTO t VALUES (1)")
                throw Abort()
            }
        }
        #expect(try database.scalarInteger("SELECT COUNT(*) FROM t") == 0)
        #expect(database.isAutocommit)

        try database.immediateTransaction { try database.run("INSERT INTO t VALUES (2)") }
        #expect(try database.scalarInteger("SELECT x FROM t") == 2)
    }

    @Test func immediateTransaction_waitsForAnotherConnectionsWriteLock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.databaseURL.path
        do {
            let setup = try Database(path: path)
            try setup.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x)")
        }
        let waiter = try Database(path: path)
        try waiter.setBusyTimeout(milliseconds: 10)  // far shorter than the hold: our retry must cover it

        let locked = DispatchSemaphore(value: 0)
        let released = ThreadSafeList<Bool>()
        let thread = Thread {
            do {
                let holder = try Database(path: path)
                try holder.execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
                locked.signal()
                usleep(300_000)
                released.append(true)
                try holder.execute("COMMIT")
            } catch {
                locked.signal()
            }
        }
        thread.start()
        locked.wait()

        try waiter.immediateTransaction { try waiter.run("INSERT INTO t VALUES (2)") }
        #expect(released.elements == [true], "the waiter wrote before the holder committed")
        #expect(try waiter.scalarInteger("SELECT COUNT(*) FROM t") == 2)
    }
}
