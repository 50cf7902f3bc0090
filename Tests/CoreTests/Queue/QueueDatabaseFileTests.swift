import Foundation
import Testing

@testable import Core

@Suite("Queue database file")
struct QueueDatabaseFileTests {
    @Test func open_whenFileIsMissing_createsCurrentSchemaInWALMode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(!FileManager.default.fileExists(atPath: directory.databaseURL.path))

        _ = try JobStore(path: directory.databaseURL)
        #expect(FileManager.default.fileExists(atPath: directory.databaseURL.path))

        let database = try Database(path: directory.databaseURL.path)
        #expect(try database.scalarInteger("PRAGMA user_version") == Int64(QueueSchema.currentVersion))
        #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
    }

    @Test func open_configuresDurabilityLockingAndForeignKeys() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobStore(path: directory.databaseURL)

        let settings = try store.withDatabase { database in
            [
                try database.scalarInteger("PRAGMA synchronous"), try database.scalarInteger("PRAGMA foreign_keys"),
                try database.scalarInteger("PRAGMA busy_timeout"),
            ]
        }
        #expect(settings == [2, 1, 5_000], "synchronous FULL (2), foreign keys on, busy timeout 5 s")
        #expect(try store.withDatabase { try $0.scalarText("PRAGMA journal_mode") } == "wal")
    }

    @Test func open_whenDirectoryIsMissing_throwsCannotOpen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("no-such-dir/queue.sqlite")

        #expect {
            try JobStore(path: path)
        } throws: { error in
            guard case StoreError.cannotOpen(let reportedPath, _) = error else { return false }
            return reportedPath == path.path && "\(error)".contains("directory exists")
        }
    }

    @Test func open_whenSchemaIsVersionOne_migratesAndKeepsJobs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeVersionOneDatabase(at: directory.databaseURL)

        let store = try JobStore(path: directory.databaseURL)
        let jobs = try store.list(includeFinished: true)
        #expect(jobs.map(\.id) == [1, 2])
        #expect(jobs[0].state == .succeeded)
        #expect(jobs[0].summary == ["accuracy": 0.75])
        #expect(jobs[0].spec == trainSpec("legacy"))
        #expect(jobs[0].ownerName == "ada")
        #expect(jobs[1].state == .queued)
        #expect(jobs[1].dependencies == [1])
        #expect(jobs[1].restarts == 0)
        #expect(jobs[1].cancelRequested == false)
        #expect(jobs[1].pidStartTime == nil)

        // The migrated queue works: the waiting job's parent succeeded, so it can be claimed.
        let claimed = try #require(try store.claimNext(limits: SchedulingLimits()))
        #expect(claimed.id == 2)
        let next = try store.submit(trainSpec("new"))
        #expect(next.id == 3)
        let database = try Database(path: directory.databaseURL.path)
        #expect(try database.scalarInteger("PRAGMA user_version") == Int64(QueueSchema.currentVersion))
    }

    @Test func open_whenSchemaIsNewer_isRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let database = try Database(path: directory.databaseURL.path)
            try database.execute("CREATE TABLE future (x); PRAGMA user_version = 99")
        }

        #expect(
            throws: StoreError.newerSchema(
                path: directory.databaseURL.path, found: 99, supported: QueueSchema.currentVersion)
        ) {
            try JobStore(path: directory.databaseURL)
        }
    }

    @Test func open_whenFileIsNotADatabase_isRefusedAndLeftIntact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = SeededGenerator(seed: 7)
        let garbage = Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try garbage.write(to: directory.databaseURL)

        #expect {
            try JobStore(path: directory.databaseURL)
        } throws: { error in
            guard case StoreError.corruptDatabase(let path, _) = error else { return false }
            return path == directory.databaseURL.path && "\(error)".contains("move the file aside")
        }
        #expect(try Data(contentsOf: directory.databaseURL) == garbage)
    }

    /// Cut points: inside the 100-byte header, just after it, after the first page, half the file.
    @Test(arguments: [50, 100, 4096, -2])
    func open_whenFileIsTruncated_isRefusedAndLeftIntact(keptBytes: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try JobStore(path: directory.databaseURL)
            let longName = String(repeating: "n", count: 2_000)
            for index in 0..<200 { try store.submit(trainSpec("\(longName)-\(index)")) }
        }
        // The last connection closed, so the WAL was checkpointed into the main file and removed.
        let whole = try Data(contentsOf: directory.databaseURL)
        #expect(whole.count > 64 * 1024)
        let truncated = whole.prefix(keptBytes < 0 ? whole.count / -keptBytes : keptBytes)
        try truncated.write(to: directory.databaseURL)

        #expect {
            try JobStore(path: directory.databaseURL)
        } throws: { error in
            guard case StoreError.corruptDatabase(let path, _) = error else { return false }
            return path == directory.databaseURL.path
        }
        #expect(try Data(contentsOf: directory.databaseURL) == truncated)
    }

    @Test func open_whenFileIsEmpty_createsTheSchema() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data().write(to: directory.databaseURL)

        let store = try JobStore(path: directory.databaseURL)
        #expect(try store.submit(trainSpec()).id == 1)
    }

    @Test func open_whenFileIsASymlink_isRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = directory.url.appendingPathComponent("elsewhere.sqlite")
        _ = try JobStore(path: target)
        try FileManager.default.createSymbolicLink(at: directory.databaseURL, withDestinationURL: target)

        #expect(throws: StoreError.self) { try JobStore(path: directory.databaseURL) }
    }

    @Test func open_throughSymlinkedDirectory_works() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let real = directory.url.appendingPathComponent("real", isDirectory: true)
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        let link = directory.url.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)

        let store = try JobStore(path: link.appendingPathComponent("queue.sqlite"))
        try store.submit(trainSpec())
        #expect(FileManager.default.fileExists(atPath: real.appendingPathComponent("queue.sqlite").path))
    }

    /// Writes, with plain SQL, the file a glare with schema version 1 would have left behind.
    private func writeVersionOneDatabase(at url: URL) throws {
        let database = try Database(path: url.path)
        try database.execute(
            """
            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY AUTOINCREMENT, spec TEXT NOT NULL, owner INTEGER NOT NULL,
                owner_name TEXT NOT NULL, job_group TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0,
                state TEXT NOT NULL CHECK (state IN
                    ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
                created_at REAL NOT NULL, started_at REAL, finished_at REAL, progress TEXT, reason TEXT,
                summary TEXT, pid INTEGER, attempt INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE job_dependencies (
                job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                depends_on INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                PRIMARY KEY (job_id, depends_on));
            CREATE INDEX job_dependencies_by_parent ON job_dependencies(depends_on);
            CREATE INDEX jobs_by_state ON jobs(state);
            PRAGMA user_version = 1;
            """)
        let specText = String(decoding: try JSONEncoder().encode(trainSpec("legacy")), as: UTF8.self)
        try database.run(
            """
            INSERT INTO jobs (spec, owner, owner_name, job_group, state, created_at, started_at, finished_at,
                              summary, attempt)
            VALUES (?, 1000, 'ada', 'train', 'succeeded', 10, 11, 12, '{"accuracy":0.75}', 1)
            """, [.text(specText)])
        try database.run(
            "INSERT INTO jobs (spec, owner, owner_name, job_group, state, created_at) VALUES (?, 1000, 'ada', 'train', 'queued', 13)",
            [.text(specText)])
        try database.run("INSERT INTO job_dependencies (job_id, depends_on) VALUES (2, 1)")
    }
}
