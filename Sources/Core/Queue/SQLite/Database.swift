import CSQLite
import Foundation

/// One SQLite connection: open, execute, prepare, and run transactions.
///
/// The wrapper is deliberately thin: every SQLite call is made once here or in `Statement`,
/// its result code checked and turned into a `DatabaseError` naming the operation. A `Database`
/// is not thread-safe by itself; its owner serialises access (the `JobStore` holds it in a mutex).
public final class Database {
    /// Flags for `sqlite3_open_v2`.
    public struct OpenFlags: OptionSet, Sendable {
        /// The raw `SQLITE_OPEN_*` bits.
        public let rawValue: Int32

        /// Wraps raw `SQLITE_OPEN_*` bits.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// Open for reading only.
        public static let readOnly = OpenFlags(rawValue: SQLITE_OPEN_READONLY)
        /// Open for reading and writing.
        public static let readWrite = OpenFlags(rawValue: SQLITE_OPEN_READWRITE)
        /// Create the file when it is missing (with `readWrite`).
        public static let create = OpenFlags(rawValue: SQLITE_OPEN_CREATE)
        /// Refuse to open a path that goes through a symbolic link (SQLite checks every component).
        public static let noFollow = OpenFlags(rawValue: SQLITE_OPEN_NOFOLLOW)
        /// SQLite's own serialised threading mode, a second guard under the owner's lock.
        public static let fullMutex = OpenFlags(rawValue: SQLITE_OPEN_FULLMUTEX)

        /// The flags the queue uses: read-write, create when missing, no symlinks, serialised.
        public static let queueDefault: OpenFlags = [.readWrite, .create, .noFollow, .fullMutex]
    }

    private let connection: OpaquePointer
    /// The file this connection opened.
    public let path: String
    /// Compiled statements of `run`, `query` and the scalar reads, by their SQL text.
    ///
    /// The queue runs the same few statements for every job; compiling each again (parsing, name
    /// resolution, query planning) was a good part of glared's own time per job. A statement is
    /// taken out while it runs, so a nested use of the same text compiles one of its own.
    private var statements: [String: Statement] = [:]
    /// The most statements kept; past it the cache starts again (texts built at run time, such as
    /// lists of placeholders, would otherwise make it grow).
    static let statementLimit = 64

    /// Opens (and with `.create`, creates) the database file at `path`.
    ///
    /// SQLite opens lazily: a file that is not a database is only detected by the first read,
    /// so callers that care run a check such as `PRAGMA quick_check` right after opening.
    public init(path: String, flags: OpenFlags = .queueDefault) throws {
        var handle: OpaquePointer?
        let resultCode = sqlite3_open_v2(path, &handle, flags.rawValue, nil)
        guard resultCode == SQLITE_OK, let handle else {
            let message =
                handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(resultCode))
            // A handle is returned even on failure (except out of memory) and must be closed.
            _ = sqlite3_close_v2(handle)
            throw DatabaseError(operation: "open", resultCode: resultCode, message: message, path: path)
        }
        self.connection = handle
        self.path = path

        // Extended codes tell SQLITE_BUSY_SNAPSHOT from SQLITE_BUSY and so on.
        let extendedResult = sqlite3_extended_result_codes(handle, 1)
        guard extendedResult == SQLITE_OK else {
            _ = sqlite3_close_v2(handle)
            throw DatabaseError(
                operation: "enable extended result codes", resultCode: extendedResult,
                message: String(cString: sqlite3_errstr(extendedResult)), path: path)
        }
    }

    deinit {
        // close_v2 defers the close until the last statement is finalised; it only fails on misuse.
        _ = sqlite3_close_v2(connection)
    }

    private func error(_ operation: String, _ resultCode: Int32) -> DatabaseError {
        DatabaseError(
            operation: operation, resultCode: resultCode,
            message: String(cString: sqlite3_errmsg(connection)), path: path)
    }

    /// Sets how long SQLite itself waits for another connection's lock before returning SQLITE_BUSY.
    public func setBusyTimeout(milliseconds: Int32) throws {
        let resultCode = sqlite3_busy_timeout(connection, milliseconds)
        guard resultCode == SQLITE_OK else { throw error("set busy timeout", resultCode) }
    }

    /// Runs one or more SQL statements that return no rows the caller needs.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let resultCode = sqlite3_exec(connection, sql, nil, nil, &errorMessage)
        guard resultCode == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(resultCode))
            sqlite3_free(errorMessage)
            let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" }).prefix(4).joined(separator: " ")
            throw DatabaseError(
                operation: "execute [\(words)]", resultCode: sqlite3_extended_errcode(connection),
                message: message, path: path)
        }
    }

    /// Compiles one SQL statement.
    public func prepare(_ sql: String) throws -> Statement {
        var handle: OpaquePointer?
        let resultCode = sqlite3_prepare_v2(connection, sql, -1, &handle, nil)
        guard resultCode == SQLITE_OK, let handle else {
            let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" }).prefix(4).joined(separator: " ")
            throw error("prepare [\(words)]", sqlite3_extended_errcode(connection))
        }
        return Statement(handle: handle, connection: connection, sql: sql)
    }

    /// Runs `body` with `sql` compiled (from the cache when it was run before) and `values` bound,
    /// then rewinds the statement and returns it to the cache.
    ///
    /// The rewind also ends the statement's read: a SELECT left unfinished would otherwise keep its
    /// snapshot of the database open and hold back WAL checkpoints.
    private func withStatement<Result>(
        _ sql: String, _ values: [DatabaseValue], _ body: (Statement) throws -> Result
    ) throws -> Result {
        let statement = try statements.removeValue(forKey: sql) ?? prepare(sql)
        defer {
            // A reset after a failed step repeats that step's error, which was already thrown.
            try? statement.reset()
            try? statement.clearBindings()
            if statements.count >= Self.statementLimit { statements.removeAll() }
            statements[sql] = statement
        }
        try statement.bind(values)
        return try body(statement)
    }

    /// Prepares `sql`, binds `values`, runs it to completion and returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ values: [DatabaseValue] = []) throws -> Int {
        try withStatement(sql, values) { statement in
            while try statement.step() {}
            return changes
        }
    }

    /// Prepares `sql`, binds `values` and calls `row` for each result row.
    public func query(_ sql: String, _ values: [DatabaseValue] = [], row: (Statement) throws -> Void) throws {
        try withStatement(sql, values) { statement in
            while try statement.step() {
                try row(statement)
            }
        }
    }

    /// The first column of the first row of `sql` as an integer, nil when there is no row or it is NULL.
    public func scalarInteger(_ sql: String, _ values: [DatabaseValue] = []) throws -> Int64? {
        try withStatement(sql, values) { statement in
            guard try statement.step() else { return nil }
            return statement.integer(at: 0)
        }
    }

    /// The first column of the first row of `sql` as text, nil when there is no row or it is NULL.
    public func scalarText(_ sql: String, _ values: [DatabaseValue] = []) throws -> String? {
        try withStatement(sql, values) { statement in
            guard try statement.step() else { return nil }
            return statement.text(at: 0)
        }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(connection)) }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(connection) }

    /// Whether the connection is outside any transaction.
    public var isAutocommit: Bool { sqlite3_get_autocommit(connection) != 0 }

    /// Runs `body` in a write transaction started with `BEGIN IMMEDIATE`, committing on success
    /// and rolling back when `body` throws.
    ///
    /// BEGIN IMMEDIATE takes the write lock up front, so two connections never both read and then
    /// both try to write (which in WAL mode fails with SQLITE_BUSY_SNAPSHOT and cannot be waited
    /// out). SQLite's busy timeout waits for the lock; should that still end in SQLITE_BUSY, the
    /// begin is retried with a growing pause until `lockWaitLimit` seconds have passed, so callers
    /// never see "database is locked" under ordinary contention.
    @discardableResult
    public func immediateTransaction<Result>(
        lockWaitLimit: Double = 60, _ body: () throws -> Result
    ) throws -> Result {
        try beginImmediate(lockWaitLimit: lockWaitLimit)
        let result: Result
        do {
            result = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        try commit()
        return result
    }

    /// Runs `body` inside the open transaction as a savepoint: released when it returns, rolled
    /// back (only its own changes) when it throws.
    public func savepoint<Result>(_ body: () throws -> Result) throws -> Result {
        try execute("SAVEPOINT change")
        let result: Result
        do {
            result = try body()
        } catch {
            // After SQLITE_FULL or SQLITE_IOERR SQLite may have rolled back the whole transaction.
            if !isAutocommit {
                try? execute("ROLLBACK TO change")
                try? execute("RELEASE change")
            }
            throw error
        }
        try execute("RELEASE change")
        return result
    }

    /// Commits, retrying while busy: a busy COMMIT leaves the transaction open, so it may be repeated.
    private func commit() throws {
        do {
            try retryingWhileBusy(limit: 60) {
                try execute("COMMIT")
            }
        } catch {
            rollbackQuietly()
            throw error
        }
    }

    private func beginImmediate(lockWaitLimit: Double) throws {
        try retryingWhileBusy(limit: lockWaitLimit) {
            try execute("BEGIN IMMEDIATE")
        }
    }

    /// Runs `body` in a read transaction (`BEGIN DEFERRED`): in WAL mode it sees one consistent
    /// snapshot and never blocks writers.
    public func readTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try retryingWhileBusy(limit: 60) {
            try execute("BEGIN DEFERRED")
        }
        let result: Result
        do {
            result = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        try commit()
        return result
    }

    /// Calls `body` again while it throws a busy error, with a growing pause, until `limit` seconds pass.
    ///
    /// Only use it for a step that is safe to repeat: a BEGIN, a PRAGMA, a whole transaction.
    public func retryingWhileBusy<Result>(limit: Double, _ body: () throws -> Result) throws -> Result {
        let deadline = Date().addingTimeInterval(limit)
        var pauseMicroseconds: UInt32 = 1_000
        while true {
            do {
                return try body()
            } catch let failure as DatabaseError where failure.isBusy && Date() < deadline {
                // The busy handler already waited; a short extra pause lets the holder finish.
                usleep(pauseMicroseconds)
                pauseMicroseconds = min(pauseMicroseconds * 2, 100_000)
            }
        }
    }

    private func rollbackQuietly() {
        // After some errors (SQLITE_FULL, SQLITE_IOERR) SQLite has already rolled back.
        guard !isAutocommit else { return }
        do {
            try execute("ROLLBACK")
        } catch {
            // TODO(logging): report a failed rollback once Core has a logger; the connection stays usable.
        }
    }
}
