import CSQLite

/// A failed SQLite call: which operation failed, SQLite's result code and its message.
///
/// Every call into SQLite goes through `Database` or `Statement`, which check the result code and
/// throw this error carrying the operation's name, so a failure in the log says what was being done.
public struct DatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation that failed, for example `prepare` or `step` with the statement's first words.
    public var operation: String
    /// SQLite's extended result code.
    public var resultCode: Int32
    /// `sqlite3_errmsg` at the time of the failure, or `sqlite3_errstr` of the code.
    public var message: String
    /// The database file, when known.
    public var path: String?

    /// Creates an error.
    public init(operation: String, resultCode: Int32, message: String, path: String? = nil) {
        self.operation = operation
        self.resultCode = resultCode
        self.message = message
        self.path = path
    }

    /// The primary result code (the low byte of the extended code).
    public var primaryResultCode: Int32 { resultCode & 0xff }

    /// Whether another connection held a lock for longer than the busy timeout.
    public var isBusy: Bool { primaryResultCode == SQLITE_BUSY || primaryResultCode == SQLITE_LOCKED }

    /// Whether SQLite found the file damaged or not a database at all.
    public var isCorruption: Bool { primaryResultCode == SQLITE_CORRUPT || primaryResultCode == SQLITE_NOTADB }

    /// Whether a constraint (unique, foreign key, check) refused the change.
    public var isConstraintViolation: Bool { primaryResultCode == SQLITE_CONSTRAINT }

    /// A one-line description: operation, code and message.
    public var description: String {
        let location = path.map { " (\($0))" } ?? ""
        return "sqlite \(operation) failed with code \(resultCode): \(message)\(location)"
    }
}
