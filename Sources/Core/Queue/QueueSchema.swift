/// The queue database's schema as an ordered list of migrations, versioned by `PRAGMA user_version`.
///
/// Migration `n` (1-based) takes a database at version `n - 1` to version `n`. The store applies
/// the missing ones in a single BEGIN IMMEDIATE transaction, so a crash mid-migration leaves the
/// old version intact, and two daemons opening the same file never both migrate it.
///
/// Version 1: jobs and their dependencies.
/// Version 2: the supervisor's fields (`pid_start_time`, `restarts`, `cancel_requested`) and an
///            index for the scheduler's query by state and group.
/// Version 3: indexes that make a claim independent of the queue's length and history: waiting
///            jobs in each owner's and group's claim order, and start times by owner and group.
///            They replace `jobs_by_state`, a prefix of the first.
public enum QueueSchema {
    /// The migrations, oldest first.
    public static let migrations: [String] = [
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            spec TEXT NOT NULL,
            owner INTEGER NOT NULL,
            owner_name TEXT NOT NULL,
            job_group TEXT NOT NULL,
            priority INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL CHECK (state IN
                ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
            created_at REAL NOT NULL,
            started_at REAL,
            finished_at REAL,
            progress TEXT,
            reason TEXT,
            summary TEXT,
            pid INTEGER,
            attempt INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE job_dependencies (
            job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            depends_on INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            PRIMARY KEY (job_id, depends_on)
        );
        CREATE INDEX job_dependencies_by_parent ON job_dependencies(depends_on);
        CREATE INDEX jobs_by_state ON jobs(state);
        """,
        """
        ALTER TABLE jobs ADD COLUMN pid_start_time INTEGER;
        ALTER TABLE jobs ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX jobs_by_state_and_group ON jobs(state, job_group);
        """,
        """
        CREATE INDEX jobs_in_claim_order ON jobs(state, owner, job_group, priority DESC, created_at, id);
        CREATE INDEX jobs_by_owner_group_start ON jobs(owner, job_group, started_at);
        DROP INDEX jobs_by_state;
        """,
    ]

    /// The version a fully migrated database has.
    public static var currentVersion: Int { migrations.count }
}
