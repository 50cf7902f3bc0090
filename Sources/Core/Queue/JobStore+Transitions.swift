/// State changes shared by several store calls; each runs inside the caller's transaction.
extension JobStore {
    /// Checks that the job runs with `attempt`, reading only the columns that say so (a
    /// supervisor's every change calls it, and a job's spec is the costly column to decode).
    ///
    /// - Returns: whether the job's owner asked for a cancel.
    /// - Throws: `StoreError.notFound`, `.staleAttempt` or `.invalidState`.
    @discardableResult
    static func requireRunning(id: Int64, attempt: Int, operation: String, in database: Database) throws -> Bool {
        var found: (attempt: Int, state: String, cancelRequested: Bool)?
        try database.query(
            "SELECT attempt, state, cancel_requested FROM jobs WHERE id = ?", [.integer(id)]
        ) { row in
            found = (Int(row.integer(at: 0) ?? 0), row.text(at: 1) ?? "", row.integer(at: 2) == 1)
        }
        guard let found else { throw StoreError.notFound(id: id) }
        guard found.attempt == attempt else {
            throw StoreError.staleAttempt(id: id, attempt: attempt, current: found.attempt)
        }
        guard let state = JobState(rawValue: found.state) else {
            throw StoreError.undecodableRow(id: id, column: "state", detail: "unknown state \(found.state)")
        }
        guard state == .running else { throw StoreError.invalidState(id: id, state: state, operation: operation) }
        return found.cancelRequested
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
        try database.query(ClaimQuery.failedDependencies) { row in
            failedParents.append((row.integer(at: 0) ?? 0, row.integer(at: 1) ?? 0))
        }
        for (child, parent) in failedParents {
            try database.run(
                "UPDATE jobs SET state = 'failed', finished_at = ?, reason = ? WHERE id = ? AND state = 'queued'",
                [.real(now), .text(dependencyFailedReason(parent)), .integer(child)])
            try failWaitingDependents(of: child, in: database, now: now)
        }
    }

    /// When the latest job of each of `pairs` started, for the fair-share rule of `SchedulingPolicy`;
    /// a pair that never started a job is missing. One lookup in `jobs_by_owner_group_start` a
    /// pair, however long the queue's history.
    static func lastStarts(
        of pairs: [SchedulingPolicy.OwnerAndGroup], in database: Database
    ) throws -> [SchedulingPolicy.OwnerAndGroup: Double] {
        var starts: [SchedulingPolicy.OwnerAndGroup: Double] = [:]
        for pair in pairs {
            try database.query(ClaimQuery.lastStart, [.integer(Int64(pair.owner)), .text(pair.group)]) { row in
                if let start = row.real(at: 0) { starts[pair] = start }
            }
        }
        return starts
    }

    /// The ready jobs that can win a claim: for each owner and group, the first of its waiting jobs
    /// whose dependencies all succeeded, by `SchedulingPolicy`'s order within one owner and group
    /// (interrupted first, then higher priority, older, smaller id); ordered by id.
    ///
    /// The policy's other rules (free slots, per-user limits, fair share) look only at the owner
    /// and the group, which all of one owner's jobs in one group share; so the job it chooses is
    /// always one of these. The pairs come from one pass over the waiting jobs' entries in
    /// `jobs_in_claim_order` (no row is read), and each pair's first job is an ordered lookup in
    /// the same index that steps over only jobs still waiting for a dependency; finished jobs are
    /// never visited.
    static func readyCandidates(in database: Database) throws -> [SchedulingCandidate] {
        var pairs: [SchedulingPolicy.OwnerAndGroup] = []
        try database.query(ClaimQuery.waitingPairs) { row in
            pairs.append(
                SchedulingPolicy.OwnerAndGroup(
                    owner: UInt32(truncatingIfNeeded: row.integer(at: 0) ?? 0), group: row.text(at: 1) ?? ""))
        }

        var ready: [SchedulingCandidate] = []
        for pair in pairs {
            for state in [JobState.interrupted, .queued] {
                let first = try candidates(
                    ClaimQuery.firstReady, [.text(state.rawValue), .integer(Int64(pair.owner)), .text(pair.group)],
                    in: database)
                if let first = first.first {
                    ready.append(first)
                    break
                }
            }
        }
        return ready.sorted { $0.id < $1.id }
    }

    /// Scheduling candidates read by `sql`, a query of the columns id, owner, job_group, priority,
    /// created_at and state, without decoding the jobs' specs.
    static func candidates(
        _ sql: String, _ values: [DatabaseValue] = [], in database: Database
    ) throws -> [SchedulingCandidate] {
        var candidates: [SchedulingCandidate] = []
        try database.query(sql, values) { row in
            candidates.append(
                SchedulingCandidate(
                    id: row.integer(at: 0) ?? 0, owner: UInt32(truncatingIfNeeded: row.integer(at: 1) ?? 0),
                    group: row.text(at: 2) ?? "", priority: Int(row.integer(at: 3) ?? 0),
                    createdAt: row.real(at: 4) ?? 0, waitsForResume: row.text(at: 5) == JobState.interrupted.rawValue))
        }
        return candidates
    }
}
