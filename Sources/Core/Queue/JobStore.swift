import Foundation
import Synchronization

/// The job queue, kept in one SQLite database file.
///
/// Each `JobStore` owns one SQLite connection, held in a mutex: calls from any thread are
/// serialised inside the store, so one instance may be shared freely. Several instances (or
/// processes) may open the same file; every change runs in a `BEGIN IMMEDIATE` transaction, so
/// changes from different connections are serialised by SQLite's write lock and each claim is atomic.
///
/// The database runs in WAL mode with `synchronous=FULL`: a state change that returned has reached
/// the disk and survives a power loss (see docs/queue.md). Opening a damaged file fails with
/// `StoreError.corruptDatabase` and leaves the file as it is.
public final class JobStore: Sendable {
    /// The database file.
    public let path: URL
    /// The connection every change goes through, one group of changes at a time.
    private let connection: Mutex<Database>
    /// A second connection for reads, so a read never waits behind a commit's fsync (WAL lets
    /// it read the last committed state while a write is in progress).
    private let reader: Mutex<Database>
    /// Groups the changes that arrive together into one transaction.
    private let groupCommit = GroupCommit()
    private let clock: @Sendable () -> Double

    /// How long SQLite waits for another connection's lock before our own retry loop takes over.
    public static let busyTimeoutMilliseconds: Int32 = 5_000

    /// Opens the queue at `path`, creating the file when missing and migrating an older schema.
    ///
    /// - Parameter clock: the time source, seconds since the epoch; tests pass a fake one.
    /// - Throws: `StoreError.corruptDatabase` for a file that is not a sound SQLite database,
    ///   `StoreError.newerSchema` for a newer schema, `StoreError.database` for other failures.
    public init(path: URL, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) throws {
        self.path = path
        self.clock = clock
        let database = try QueueDatabaseOpener.open(path: path.path)
        self.connection = Mutex(database)
        self.reader = Mutex(try QueueDatabaseOpener.openReader(path: path.path))
    }

    /// Runs `body` with the connection, turning SQLite failures into `StoreError.database`.
    ///
    /// For maintenance that is not a change of the queue (a checkpoint); changes go through `change`.
    @discardableResult
    func withDatabase<Result: Sendable>(_ body: (Database) throws -> Result) throws -> Result {
        do {
            return try connection.withLock { database throws -> Result in
                try body(database)
            }
        } catch let failure as DatabaseError {
            throw StoreError.database(failure)
        }
    }

    /// Runs `body` in a write transaction shared with the changes that arrive at the same time
    /// (`GroupCommit`) and returns once that transaction committed; SQLite failures become
    /// `StoreError.database`. `body` sees its own group's earlier changes, like a transaction alone.
    @discardableResult
    func change<Result>(_ body: (Database) throws -> Result) throws -> Result {
        do {
            return try groupCommit.perform(on: connection, body)
        } catch let failure as DatabaseError {
            throw StoreError.database(failure)
        }
    }

    /// Runs `body` with the reading connection; SQLite failures become `StoreError.database`.
    /// A `body` that reads more than one statement opens a read transaction for one snapshot.
    func read<Result: Sendable>(_ body: (Database) throws -> Result) throws -> Result {
        do {
            return try reader.withLock { database throws -> Result in
                try body(database)
            }
        } catch let failure as DatabaseError {
            throw StoreError.database(failure)
        }
    }

    /// The current time, seconds since the epoch.
    var now: Double { clock() }

    /// Copies every committed change from the write-ahead log into the database file and empties the log.
    ///
    /// SQLite does this by itself only when the last connection closes, and a daemon that exits
    /// without tearing down its objects never closes it; after this, `queue.sqlite` alone holds the
    /// whole queue (a copy of that one file is a complete backup).
    public func checkpoint() throws {
        try withDatabase { database in
            try database.retryingWhileBusy(limit: 5) {
                try database.query("PRAGMA wal_checkpoint(TRUNCATE)") { _ in }
            }
        }
    }

    // MARK: - Submitting

    /// Adds a job to the queue.
    ///
    /// - Parameters:
    ///   - dependencies: jobs that must succeed first; each must exist.
    ///   - limits: only `maxQueuedPerUser` is checked here.
    /// - Returns: the new job, `queued`; or `failed` with reason "dependency <id> failed" when a
    ///   dependency has already failed or been cancelled.
    /// - Throws: `StoreError.unknownDependency`, `StoreError.queueLimitReached`.
    public func submit(
        spec: JobSpec, owner: UInt32, ownerName: String, priority: Int, dependencies: [Int64],
        limits: SchedulingLimits
    ) throws -> JobRecord {
        let specText = try JobRowCodec.encode(spec)
        let dependencies = Array(Set(dependencies)).sorted()
        let now = self.now
        return try change { database in
            if let limit = limits.maxQueuedPerUser {
                let waiting =
                    try database.scalarInteger(
                        "SELECT COUNT(*) FROM jobs WHERE owner = ? AND state IN ('queued', 'interrupted')",
                        [.integer(Int64(owner))]) ?? 0
                guard waiting < limit else { throw StoreError.queueLimitReached(owner: owner, limit: limit) }
            }

            var failedDependency: Int64?
            for dependency in dependencies {
                let stateText = try database.scalarText(
                    "SELECT state FROM jobs WHERE id = ?", [.integer(dependency)])
                guard let stateText else { throw StoreError.unknownDependency(id: dependency) }
                if failedDependency == nil,
                    stateText == JobState.failed.rawValue
                        || stateText == JobState.cancelled.rawValue
                {
                    failedDependency = dependency
                }
            }

            let state: JobState = failedDependency == nil ? .queued : .failed
            try database.run(
                """
                INSERT INTO jobs (spec, owner, owner_name, job_group, priority, state, created_at,
                                  finished_at, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(specText), .integer(Int64(owner)), .text(ownerName), .text(spec.effectiveGroup),
                    .integer(Int64(priority)), .text(state.rawValue), .real(now),
                    .real(failedDependency == nil ? nil : now),
                    .text(failedDependency.map(JobStore.dependencyFailedReason)),
                ])
            let id = database.lastInsertRowID
            for dependency in dependencies {
                try database.run(
                    "INSERT INTO job_dependencies (job_id, depends_on) VALUES (?, ?)",
                    [.integer(id), .integer(dependency)])
            }
            return try JobRowReader.job(id: id, in: database)!
        }
    }

    /// The reason given to a job whose dependency failed or was cancelled.
    public static func dependencyFailedReason(_ dependency: Int64) -> String {
        "dependency \(dependency) failed"
    }

    // MARK: - Reading

    /// The job with `id`, or nil.
    public func job(id: Int64) throws -> JobRecord? {
        try read { database in
            try database.readTransaction { try JobRowReader.job(id: id, in: database) }
        }
    }

    /// Whether the owner of job `id` asked for it to be cancelled; nil when there is no such job.
    /// Cheaper than `job(id:)`, which decodes the spec, for a supervisor's checks.
    public func cancelRequested(id: Int64) throws -> Bool? {
        try read { database in
            try database.scalarInteger("SELECT cancel_requested FROM jobs WHERE id = ?", [.integer(id)]).map { $0 == 1 }
        }
    }

    /// The waiting and running jobs, and with `includeFinished` the final ones too, oldest first:
    /// those with an id above `after`, at most `limit` of them (all when nil).
    public func list(includeFinished: Bool, after: Int64 = 0, limit: Int? = nil) throws -> [JobRecord] {
        let states = includeFinished ? "1" : "state IN ('queued', 'running', 'interrupted')"
        return try read { database in
            try database.readTransaction {
                try JobRowReader.jobs(where: "\(states) AND id > ?", [.integer(after)], limit: limit, in: database)
            }
        }
    }

    /// The jobs in state `running`, for the supervisor (and for recovery after a daemon restart).
    public func runningJobs() throws -> [JobRecord] {
        try read { database in
            try database.readTransaction { try JobRowReader.jobs(where: "state = 'running'", in: database) }
        }
    }

    /// How many jobs are in each state; every state is present, with 0 when none.
    public func counts() throws -> [JobState: Int] {
        try read { database in
            var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            try database.query("SELECT state, COUNT(*) FROM jobs GROUP BY state") { row in
                if let text = row.text(at: 0), let state = JobState(rawValue: text) {
                    counts[state] = Int(row.integer(at: 1) ?? 0)
                }
            }
            return counts
        }
    }

    /// Final jobs that finished before `olderThan` (seconds since the epoch), for retention.
    public func finishedJobs(olderThan: Double) throws -> [JobRecord] {
        try read { database in
            try database.readTransaction {
                try JobRowReader.jobs(
                    where: "state IN ('succeeded', 'failed', 'cancelled') AND finished_at < ?",
                    [.real(olderThan)], in: database)
            }
        }
    }
}
