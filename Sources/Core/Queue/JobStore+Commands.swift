/// The calls a user's request leads to: cancel, retry, remove.
extension JobStore {
    /// Cancels a job.
    ///
    /// A queued or interrupted job becomes `cancelled` at once, and its queued dependents fail.
    /// A running job only gets its cancel-requested flag: the supervisor stops the worker and then
    /// calls `finish(state: .cancelled)`. A claim never picks a cancelled job.
    ///
    /// - Returns: the job after the change.
    /// - Throws: `StoreError.notFound`; `StoreError.invalidState` for a job already final.
    @discardableResult
    public func cancel(id: Int64) throws -> JobRecord {
        let now = self.now
        return try change { database in
            guard let job = try JobRowReader.job(id: id, in: database) else { throw StoreError.notFound(id: id) }
            switch job.state {
            case .succeeded, .failed, .cancelled:
                throw StoreError.invalidState(id: id, state: job.state, operation: "cancel")
            case .queued, .interrupted:
                try database.run(
                    "UPDATE jobs SET state = 'cancelled', finished_at = ?, reason = ? WHERE id = ?",
                    [.real(now), .text("cancelled"), .integer(id)])
                try JobStore.failWaitingDependents(of: id, in: database, now: now)
            case .running:
                try database.run("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", [.integer(id)])
            }
            return try JobRowReader.job(id: id, in: database)!
        }
    }

    /// Submits a failed or cancelled job again, as a NEW job.
    ///
    /// The new job has the old one's spec, owner, priority and dependencies and a new id; the old
    /// job stays as it was, so its log and reason remain to read. A new id keeps every job's
    /// history (attempts, log, results directory) append-only. A dependency that is still failed
    /// fails the new job at once, so retry the failed parent first. `maxQueuedPerUser` is not
    /// checked here: a retry replaces a job that had been admitted.
    ///
    /// - Throws: `StoreError.notFound`; `StoreError.invalidState` unless the job failed or was cancelled.
    public func retry(id: Int64) throws -> JobRecord {
        guard let job = try self.job(id: id) else { throw StoreError.notFound(id: id) }
        guard job.state == .failed || job.state == .cancelled else {
            throw StoreError.invalidState(id: id, state: job.state, operation: "retry")
        }
        var limits = SchedulingLimits()
        limits.maxQueuedPerUser = nil
        return try submit(
            spec: job.spec, owner: job.owner, ownerName: job.ownerName, priority: job.priority,
            dependencies: job.dependencies, limits: limits)
    }

    /// Deletes a final job's row (the daemon deletes its directory).
    ///
    /// - Throws: `StoreError.notFound`; `StoreError.invalidState` unless the job is final;
    ///   `StoreError.hasWaitingDependents` while a job that is not final depends on it.
    public func remove(id: Int64) throws {
        try change { database in
            // Only the state is read, so a row whose spec no longer decodes can still be removed.
            let state = try JobStore.state(of: id, in: database)
            guard state.isFinal else {
                throw StoreError.invalidState(id: id, state: state, operation: "remove")
            }
            var dependents: [Int64] = []
            try database.query(
                """
                SELECT d.job_id FROM job_dependencies d JOIN jobs c ON c.id = d.job_id
                WHERE d.depends_on = ? AND c.state IN ('queued', 'running', 'interrupted') ORDER BY d.job_id
                """, [.integer(id)]
            ) { row in dependents.append(row.integer(at: 0) ?? 0) }
            guard dependents.isEmpty else { throw StoreError.hasWaitingDependents(id: id, dependents: dependents) }

            // Dependency rows naming this job, as parent or child, go with it (ON DELETE CASCADE).
            try database.run("DELETE FROM jobs WHERE id = ?", [.integer(id)])
        }
    }
}
