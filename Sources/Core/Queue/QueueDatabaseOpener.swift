import Foundation

/// Opens the queue's database file: integrity check, connection settings, schema migrations.
enum QueueDatabaseOpener {
    static func open(path: String) throws -> Database {
        let database: Database
        do {
            database = try Database(path: resolvingDirectorySymlinks(path), flags: .queueDefault)
            try database.setBusyTimeout(milliseconds: JobStore.busyTimeoutMilliseconds)
        } catch let failure as DatabaseError {
            throw StoreError.cannotOpen(path: path, detail: failure.message)
        }

        try checkIntegrity(database, path: path)

        do {
            try configure(database)
            try migrate(database, path: path)
        } catch let failure as DatabaseError where failure.isCorruption {
            throw StoreError.corruptDatabase(path: path, detail: failure.message)
        } catch let failure as DatabaseError {
            throw StoreError.database(failure)
        }
        return database
    }

    /// A second connection to the file `open` prepared, for reads only (`query_only`); it needs no
    /// checks or migrations of its own, and WAL mode is a property of the file.
    static func openReader(path: String) throws -> Database {
        do {
            let database = try Database(path: resolvingDirectorySymlinks(path), flags: .queueDefault)
            try database.setBusyTimeout(milliseconds: JobStore.busyTimeoutMilliseconds)
            try database.execute("PRAGMA query_only = ON")
            return database
        } catch let failure as DatabaseError {
            throw StoreError.cannotOpen(path: path, detail: failure.message)
        }
    }

    /// The path with symbolic links in its directories resolved, so `.noFollow` (which SQLite applies
    /// to every component) only refuses a database file that is itself a link.
    private static func resolvingDirectorySymlinks(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().resolvingSymlinksInPath()
        return directory.appendingPathComponent(url.lastPathComponent).path
    }

    /// Refuses a file that is not a database or fails `PRAGMA quick_check`, before anything writes to it.
    private static func checkIntegrity(_ database: Database, path: String) throws {
        do {
            var problems: [String] = []
            try database.retryingWhileBusy(limit: 60) {
                problems = []
                try database.query("PRAGMA quick_check") { row in
                    problems.append(row.text(at: 0) ?? "")
                }
            }
            guard problems == ["ok"] else {
                throw StoreError.corruptDatabase(path: path, detail: problems.prefix(3).joined(separator: "; "))
            }
        } catch let failure as DatabaseError where failure.isCorruption {
            throw StoreError.corruptDatabase(path: path, detail: failure.message)
        } catch let failure as DatabaseError {
            throw StoreError.database(failure)
        }
    }

    /// WAL for concurrent readers, FULL sync for durability, foreign keys for the dependency table.
    private static func configure(_ database: Database) throws {
        let journalMode = try database.retryingWhileBusy(limit: 60) {
            try database.scalarText("PRAGMA journal_mode = WAL")
        }
        guard journalMode?.lowercased() == "wal" else {
            throw DatabaseError(
                operation: "PRAGMA journal_mode = WAL", resultCode: 1,
                message: "the file system did not allow WAL mode (got \(journalMode ?? "nothing"))",
                path: database.path)
        }
        try database.execute("PRAGMA synchronous = FULL")
        try database.execute("PRAGMA foreign_keys = ON")
    }

    /// Applies the missing migrations in one transaction; rechecks the version under the write lock
    /// because another process may have migrated the file meanwhile.
    private static func migrate(_ database: Database, path: String) throws {
        let supported = QueueSchema.currentVersion
        let found = Int(try database.scalarInteger("PRAGMA user_version") ?? 0)
        if found > supported {
            throw StoreError.newerSchema(path: path, found: found, supported: supported)
        }
        if found == supported { return }

        try database.immediateTransaction {
            let version = Int(try database.scalarInteger("PRAGMA user_version") ?? 0)
            guard version < supported else { return }
            for migration in QueueSchema.migrations[version...] {
                try database.execute(migration)
            }
            // PRAGMA takes no bound parameters; the value is our own integer.
            try database.execute("PRAGMA user_version = \(supported)")
        }
    }
}
