/// The calls the daemon's scheduler and worker supervisor make: claim, start, progress, finish.
///
/// Every call after `claimNext` carries the attempt the claim returned. The attempt is a fencing
/// token: a supervisor that lost track of a job (a restarted daemon, a worker from before a
/// requeue) cannot change a job that has since been claimed again.
extension JobStore {
    /// Picks the next job to run and marks it running, in one atomic transaction.
    ///
    /// In the same transaction, queued jobs whose dependency failed or was cancelled are failed
    /// ("dependency <id> failed"). Candidates are the queued and interrupted jobs whose dependencies
    /// all succeeded; `SchedulingPolicy` chooses among them. The chosen job gets `running`,
    /// `startedAt` now and `attempt + 1`. A job whose stored spec cannot be read is failed and
    /// skipped, so one bad row never blocks the queue.
    ///
    /// - Returns: the claimed job, or nil when nothing may start now.
    public func claimNext(limits: SchedulingLimits) throws -> JobRecord? {
        let now = self.now
        return try change { database in
            try JobStore.failJobsWithFailedDependencies(in: database, now: now)
            let running = try JobStore.candidates(ClaimQuery.running, in: database)
            var ready = try JobStore.readyCandidates(in: database)

            let pairs = ready.map { SchedulingPolicy.OwnerAndGroup(owner: $0.owner, group: $0.group) }
            let lastStarts = try JobStore.lastStarts(of: pairs, in: database)
            while let chosen = SchedulingPolicy.select(
                ready: ready, running: running, limits: limits, lastStarts: lastStarts)
            {
                // The state guard is a second line of defence: the transaction already holds the write lock.
                let changed = try database.run(
                    """
                    UPDATE jobs SET state = 'running', started_at = ?, attempt = attempt + 1, pid = NULL,
                        pid_start_time = NULL, cancel_requested = 0, reason = NULL
                    WHERE id = ? AND state IN ('queued', 'interrupted')
                    """, [.real(now), .integer(chosen.id)])
                guard changed == 1 else {
                    // No longer waiting: read again, so the next of its owner and group may compete.
                    ready = try JobStore.readyCandidates(in: database)
                    continue
                }
                do {
                    return try JobRowReader.job(id: chosen.id, in: database)
                } catch let failure as StoreError {
                    try database.run(
                        "UPDATE jobs SET state = 'failed', finished_at = ?, reason = ? WHERE id = ?",
                        [.real(now), .text("unreadable job record: \(failure)"), .integer(chosen.id)])
                    try JobStore.failWaitingDependents(of: chosen.id, in: database, now: now)
                    ready = try JobStore.readyCandidates(in: database)
                }
            }
            return nil
        }
    }

    /// Records the worker's process once it was spawned for the claim with `attempt`.
    ///
    /// - Throws: `StoreError.staleAttempt` or `.invalidState` when the job is no longer running with
    ///   that attempt; `.notFound`.
    public func markStarted(id: Int64, attempt: Int, pid: Int32, pidStartTime: UInt64) throws {
        try change { database in
            try JobStore.requireRunning(id: id, attempt: attempt, operation: "mark started", in: database)
            try database.run(
                "UPDATE jobs SET pid = ?, pid_start_time = ? WHERE id = ?",
                [.integer(Int64(pid)), .integer(Int64(bitPattern: pidStartTime)), .integer(id)])
        }
    }

    /// Stores `event` as the job's latest progress; silently ignored unless the job runs with `attempt`.
    public func recordProgress(id: Int64, attempt: Int, event: ProgressEvent) throws {
        let eventText = try JobRowCodec.encode(event)
        try change { database in
            try database.run(
                "UPDATE jobs SET progress = ? WHERE id = ? AND attempt = ? AND state = 'running'",
                [.text(eventText), .integer(id), .integer(Int64(attempt))])
        }
    }

    /// Ends the job's run with a final `state`, if it still runs with `attempt`.
    ///
    /// A `failed` or `cancelled` job also fails its queued dependents, each with the reason
    /// "dependency <id> failed" naming the job it waited on. A job whose cancel was requested and
    /// that ends `failed` (the worker was killed) is stored as `cancelled`; one that `succeeded`
    /// before the stop took effect stays `succeeded`.
    ///
    /// - Parameter progress: the worker's last progress event, stored in the same change (one commit, not two).
    /// - Returns: true when the job was finished; false when it was not running with that attempt.
    /// - Throws: `StoreError.notFinalState` for `queued`, `running` or `interrupted`.
    @discardableResult
    public func finish(
        id: Int64, attempt: Int, state: JobState, reason: String?, summary: [String: Double]?,
        progress: ProgressEvent? = nil
    )
        throws -> Bool
    {
        guard state.isFinal else { throw StoreError.notFinalState(state) }
        let summaryText = try summary.map { try JobRowCodec.encode($0) }
        let progressText = try progress.map { try JobRowCodec.encode($0) }
        let now = self.now
        return try change { database in
            // A worker killed because its owner cancelled it usually exits as a failure; the
            // owner's request is what ended it, so it is recorded as cancelled.
            let changed = try database.run(
                """
                UPDATE jobs SET
                    state = CASE WHEN cancel_requested = 1 AND ?1 = 'failed' THEN 'cancelled' ELSE ?1 END,
                    finished_at = ?2, reason = ?3, summary = ?4, progress = COALESCE(?7, progress)
                WHERE id = ?5 AND attempt = ?6 AND state = 'running'
                """,
                [
                    .text(state.rawValue), .real(now), .text(reason), .text(summaryText), .integer(id),
                    .integer(Int64(attempt)), .text(progressText),
                ])
            guard changed == 1 else { return false }
            if state != .succeeded {
                try JobStore.failWaitingDependents(of: id, in: database, now: now)
            }
            return true
        }
    }

    /// Puts a running job back to wait for a resume (`interrupted`), counting a restart.
    ///
    /// Used when the daemon stops its workers for a shutdown, or finds them gone after a crash.
    /// A job whose cancel was requested is cancelled instead: the owner asked it never to run again.
    ///
    /// - Throws: `StoreError.staleAttempt` or `.invalidState` unless the job runs with `attempt`.
    public func requeueInterrupted(id: Int64, attempt: Int, reason: String, progress: ProgressEvent? = nil) throws {
        let now = self.now
        let progressText = try progress.map { try JobRowCodec.encode($0) }
        try change { database in
            let cancelRequested = try JobStore.requireRunning(
                id: id, attempt: attempt, operation: "requeue", in: database)
            if cancelRequested {
                try database.run(
                    "UPDATE jobs SET state = 'cancelled', finished_at = ?, reason = ? WHERE id = ?",
                    [.real(now), .text("cancelled while running; stopped by: \(reason)"), .integer(id)])
                try JobStore.failWaitingDependents(of: id, in: database, now: now)
            } else {
                try database.run(
                    """
                    UPDATE jobs SET state = 'interrupted', reason = ?, restarts = restarts + 1, pid = NULL,
                        pid_start_time = NULL, progress = COALESCE(?, progress)
                    WHERE id = ?
                    """, [.text(reason), .text(progressText), .integer(id)])
            }
        }
    }
}
