/// State changes shared by several store calls; each runs inside the caller's transaction.
extension JobStore {
    /// The job, when it runs with `attempt`; otherwise the error that says why not.
    @discardableResult
    static func requireRunning(
        id: Int64, attempt: Int, operation: String, in database: Database
    ) throws
        -> JobRecord
    {
        guard let job = try JobRowReader.job(id: id, in: database) else { throw StoreError.notFound(id: id) }
        guard job.attempt == attempt else {
            throw StoreError.staleAttempt(id: id, attempt: attempt, current: job.attempt)
        }
        guard job.state == .running else {
            throw StoreError.invalidState(id: id, state: job.state, operation: operation)
        }
        return job
    }

    /// The job's state alone, without decoding the rest of its row.
    static func state(of id: Int64, in database: Database) throws -> JobState {
        guard let text = try database.scalarText("SELECT state FROM jobs WHERE id = ?", [.integer(id)]) else {
            throw StoreError.notFound(id: id)
        }
        guard let state = JobState(rawValue: text) else {
            throw StoreError.undecodableRow(id: id, column: "state", detail: "unknown state \(text)")
        }
        return state
    }

    /// Fails every queued job that waits on `parent`, and theirs in turn, each naming its own parent.
    static func failWaitingDependents(of parent: Int64, in database: Database, now: Double) throws {
        var parents = [parent]
        while let current = parents.popLast() {
            var children: [Int64] = []
            try database.query(
                """
                SELECT d.job_id FROM job_dependencies d JOIN jobs c ON c.id = d.job_id
                WHERE d.depends_on = ? AND c.state = 'queued'
                """, [.integer(current)]
            ) { row in children.append(row.integer(at: 0) ?? 0) }
            for child in children {
                try database.run(
                    "UPDATE jobs SET state = 'failed', finished_at = ?, reason = ? WHERE id = ? AND state = 'queued'",
                    [.real(now), .text(dependencyFailedReason(current)), .integer(child)])
                parents.append(child)
            }
        }
    }

    /// Fails queued jobs that have a failed or cancelled dependency (a safety net: `finish` and
    /// `cancel` already do this as they happen, but a job may have been changed by hand or by an
    /// older glare).
    static func failJobsWithFailedDependencies(in database: Database, now: Double) throws {
        var failedParents: [(child: Int64, parent: Int64)] = []
        try database.query(
            """
            SELECT d.job_id, MIN(d.depends_on) FROM job_dependencies d
            JOIN jobs c ON c.id = d.job_id JOIN jobs p ON p.id = d.depends_on
            WHERE c.state = 'queued' AND p.state IN ('failed', 'cancelled')
            GROUP BY d.job_id
            """
        ) { row in failedParents.append((row.integer(at: 0) ?? 0, row.integer(at: 1) ?? 0)) }
        for (child, parent) in failedParents {
            try database.run(
                "UPDATE jobs SET state = 'failed', finished_at = ?, reason = ? WHERE id = ? AND state = 'queued'",
                [.real(now), .text(dependencyFailedReason(parent)), .integer(child)])
            try failWaitingDependents(of: child, in: database, now: now)
        }
    }

    /// When each owner's latest job in each group started, for the fair-share rule of `SchedulingPolicy`.
    static func lastStarts(in database: Database) throws -> [SchedulingPolicy.OwnerAndGroup: Double] {
        var starts: [SchedulingPolicy.OwnerAndGroup: Double] = [:]
        try database.query(
            "SELECT owner, job_group, MAX(started_at) FROM jobs WHERE started_at IS NOT NULL GROUP BY owner, job_group"
        ) { row in
            let key = SchedulingPolicy.OwnerAndGroup(
                owner: UInt32(truncatingIfNeeded: row.integer(at: 0) ?? 0), group: row.text(at: 1) ?? "")
            starts[key] = row.real(at: 2) ?? 0
        }
        return starts
    }

    /// The ready jobs that can win a claim: for each owner and group, the first of its waiting jobs
    /// whose dependencies all succeeded, by `SchedulingPolicy`'s order within one owner and group
    /// (interrupted first, then higher priority, older, smaller id).
    ///
    /// The policy's other rules (free slots, per-user limits, fair share) look only at the owner
    /// and the group, which all of one owner's jobs in one group share; so the job it chooses is
    /// always one of these, and a claim reads one candidate per owner and group instead of every
    /// waiting job (SQLite ranks them: window functions, SQLite 3.25 and later).
    static func readyCandidates(in database: Database) throws -> [SchedulingCandidate] {
        try candidates(
            from: """
                (SELECT *, ROW_NUMBER() OVER (
                        PARTITION BY owner, job_group
                        ORDER BY state = 'interrupted' DESC, priority DESC, created_at, id) AS place
                    FROM jobs
                    WHERE state IN ('queued', 'interrupted') AND NOT EXISTS (
                        SELECT 1 FROM job_dependencies d JOIN jobs p ON p.id = d.depends_on
                        WHERE d.job_id = jobs.id AND p.state != 'succeeded'))
                """, where: "place = 1", in: database)
    }

    /// Scheduling candidates for the jobs matching `condition`, read without decoding their specs.
    static func candidates(
        from table: String = "jobs", where condition: String, in database: Database
    ) throws -> [SchedulingCandidate] {
        var candidates: [SchedulingCandidate] = []
        try database.query(
            "SELECT id, owner, job_group, priority, created_at, state FROM \(table) WHERE \(condition) ORDER BY id"
        ) { row in
            candidates.append(
                SchedulingCandidate(
                    id: row.integer(at: 0) ?? 0, owner: UInt32(truncatingIfNeeded: row.integer(at: 1) ?? 0),
                    group: row.text(at: 2) ?? "", priority: Int(row.integer(at: 3) ?? 0),
                    createdAt: row.real(at: 4) ?? 0, waitsForResume: row.text(at: 5) == JobState.interrupted.rawValue))
        }
        return candidates
    }
}
