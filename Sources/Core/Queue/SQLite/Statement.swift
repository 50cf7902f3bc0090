import CSQLite

/// One prepared SQLite statement: bind parameters, step through rows, read columns.
///
/// A statement belongs to the `Database` that prepared it and must be used under the same
/// serialisation as that database. It is finalised when released, or earlier with `finalize()`.
/// Column and parameter indices follow SQLite: parameters count from 1, columns from 0.
public final class Statement {
    private var handle: OpaquePointer?
    private let connection: OpaquePointer
    private let sql: String

    init(handle: OpaquePointer, connection: OpaquePointer, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit {
        // The result of finalize repeats the last step's error, which was already reported.
        _ = sqlite3_finalize(handle)
    }

    /// The first words of the SQL text, to name the statement in errors.
    private var shortSQL: String {
        let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" }).prefix(4)
        return words.joined(separator: " ")
    }

    private func check(_ resultCode: Int32, _ operation: String) throws {
        guard resultCode == SQLITE_OK else {
            throw DatabaseError(
                operation: "\(operation) [\(shortSQL)]", resultCode: sqlite3_extended_errcode(connection),
                message: String(cString: sqlite3_errmsg(connection)))
        }
    }

    private func liveHandle(_ operation: String) throws -> OpaquePointer {
        guard let handle else {
            throw DatabaseError(
                operation: "\(operation) [\(shortSQL)]", resultCode: SQLITE_MISUSE,
                message: "the statement was already finalised")
        }
        return handle
    }

    /// Binds `value` to the parameter at `index` (1-based).
    public func bind(_ value: DatabaseValue, at index: Int) throws {
        let handle = try liveHandle("bind")
        let position = Int32(index)
        switch value {
        case .integer(let integer):
            try check(sqlite3_bind_int64(handle, position, integer), "bind integer \(index)")
        case .real(let real):
            try check(sqlite3_bind_double(handle, position, real), "bind real \(index)")
        case .text(let text):
            // An explicit byte count keeps text with an embedded NUL whole; transient makes SQLite
            // copy the bytes, because the buffer lives only for this call.
            // An empty buffer has no base address, and a NULL pointer would bind SQL NULL, not "".
            let bytes = Array(text.utf8) + [0]
            let resultCode = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { characters in
                    sqlite3_bind_text(
                        handle, position, characters.baseAddress, Int32(characters.count - 1),
                        glare_sqlite_transient())
                }
            }
            try check(resultCode, "bind text \(index)")
        case .null:
            try check(sqlite3_bind_null(handle, position), "bind null \(index)")
        }
    }

    /// Binds `value` to the named parameter, written with its prefix (`:name`, `@name` or `$name`).
    public func bind(_ value: DatabaseValue, named name: String) throws {
        let handle = try liveHandle("bind")
        let index = sqlite3_bind_parameter_index(handle, name)
        guard index > 0 else {
            throw DatabaseError(
                operation: "bind [\(shortSQL)]", resultCode: SQLITE_RANGE,
                message: "the statement has no parameter named \(name)")
        }
        try bind(value, at: Int(index))
    }

    /// Binds `values` to parameters 1, 2, 3, ... in order.
    public func bind(_ values: [DatabaseValue]) throws {
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    /// Runs the statement one step: true when a row is ready to read, false when it is done.
    @discardableResult
    public func step() throws -> Bool {
        let handle = try liveHandle("step")
        let resultCode = sqlite3_step(handle)
        switch resultCode {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw DatabaseError(
                operation: "step [\(shortSQL)]", resultCode: sqlite3_extended_errcode(connection),
                message: String(cString: sqlite3_errmsg(connection)))
        }
    }

    /// Rewinds the statement so it can run again; bindings are kept.
    public func reset() throws {
        try check(sqlite3_reset(try liveHandle("reset")), "reset")
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() throws {
        try check(sqlite3_clear_bindings(try liveHandle("clear bindings")), "clear bindings")
    }

    /// Releases the statement now; any later use throws.
    public func finalize() {
        // sqlite3_finalize returns the error of the last step, which `step` already threw.
        _ = sqlite3_finalize(handle)
        handle = nil
    }

    /// Number of columns in the result.
    public var columnCount: Int { handle.map { Int(sqlite3_column_count($0)) } ?? 0 }

    /// Whether the column at `index` (0-based) of the current row is NULL.
    public func isNull(at index: Int) -> Bool {
        guard let handle else { return true }
        return sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    /// The column at `index` as an integer, nil when NULL.
    public func integer(at index: Int) -> Int64? {
        guard let handle, !isNull(at: index) else { return nil }
        return sqlite3_column_int64(handle, Int32(index))
    }

    /// The column at `index` as a double, nil when NULL.
    public func real(at index: Int) -> Double? {
        guard let handle, !isNull(at: index) else { return nil }
        return sqlite3_column_double(handle, Int32(index))
    }

    /// The column at `index` as UTF-8 text, nil when NULL.
    public func text(at index: Int) -> String? {
        guard let handle, !isNull(at: index), let bytes = sqlite3_column_text(handle, Int32(index)) else {
            return nil
        }
        return String(cString: bytes)
    }
}
