import Foundation
import Glibc

/// Start-up reconciliation, retention and the landmark caches' sweep.
///
/// A job recorded `running` when glared starts belonged to a daemon that is gone. Its worker is
/// either gone too, or (glared was killed and the worker, in its own process group, survived)
/// still running. glared does not adopt a leftover worker: it cannot reap a process that is not
/// its child, so it could never learn its exit status. It stops it instead (SIGTERM, which makes a
/// training job checkpoint, then SIGKILL after the grace period) and treats the job like one
/// whose worker died: back to the queue to resume while restarts are left, else `failed`
/// (`interrupted`). A job whose worker finished (its `outcome.json` says succeeded) before the old
/// daemon could record it is recorded as succeeded.
extension Daemon {
    /// Brings every `running` job in line with the processes that really exist.
    func reconcile() throws {
        let maxRestarts = configuration.maxRestarts
        for job in try store.runningJobs() {
            var fields = ["GLARE_JOB": String(job.id), "GLARE_USER": job.ownerName]
            if let pid = job.pid, let startTime = job.pidStartTime,
                ProcessInspector.isAlive(pid: pid, startTime: startTime)
            {
                fields["GLARE_PID"] = String(pid)
                log.warning("stopping a worker left by the previous daemon", fields)
                stopLeftoverWorker(pid: pid, startTime: startTime)
            }

            let outcome = WorkerOutcomeFile.read(files.directory(of: job.id).outcome.path, owner: job.owner)
            do {
                if outcome?.state == .succeeded {
                    try store.finish(
                        id: job.id, attempt: job.attempt, state: .succeeded, reason: nil, summary: outcome?.summary)
                    log.notice("job found finished after a restart", fields)
                } else if job.cancelRequested {
                    try store.finish(
                        id: job.id, attempt: job.attempt, state: .cancelled, reason: "cancelled", summary: nil)
                } else if job.restarts < maxRestarts {
                    try store.requeueInterrupted(
                        id: job.id, attempt: job.attempt, reason: "interrupted: glared restarted while it ran")
                    log.notice("job interrupted by a restart; it resumes", fields)
                } else {
                    try store.finish(
                        id: job.id, attempt: job.attempt, state: .failed, reason: "interrupted", summary: nil)
                    log.warning("job interrupted too often; failed", fields)
                }
            } catch {
                log.error("cannot reconcile a job", fields.merging(["GLARE_ERROR": "\(error)"]) { $1 })
            }
        }
    }

    /// SIGTERM to the leftover worker's group, then SIGKILL after the grace period; waits until it is gone.
    private func stopLeftoverWorker(pid: Int32, startTime: UInt64) {
        _ = try? ProcessSpawner.signalGroup(pid, SIGTERM)
        let grace = configuration.graceSeconds
        let deadline = Date(timeIntervalSinceNow: grace)
        while ProcessInspector.isAlive(pid: pid, startTime: startTime) && Date() < deadline { usleep(50_000) }
        if ProcessInspector.isAlive(pid: pid, startTime: startTime) {
            _ = try? ProcessSpawner.signalGroup(pid, SIGKILL)
            let killDeadline = Date(timeIntervalSinceNow: 5)
            while ProcessInspector.isAlive(pid: pid, startTime: startTime) && Date() < killDeadline { usleep(50_000) }
        }
    }

    /// Removes final jobs past `retention_days`, and the oldest beyond `retention_count`, with their files.
    /// Runs at most once a minute.
    func sweepRetention() {
        let now = Date().timeIntervalSince1970
        let configuration = runtime.withLock { state -> DaemonConfiguration? in
            guard now - state.lastRetentionSweep >= 60 else { return nil }
            state.lastRetentionSweep = now
            return state.configuration
        }
        guard let configuration, configuration.retentionDays != nil || configuration.retentionCount != nil else {
            return
        }
        do {
            var expired: [JobRecord] = []
            if let days = configuration.retentionDays {
                expired += try store.finishedJobs(olderThan: now - days * 86_400)
            }
            if let count = configuration.retentionCount {
                let finished = try store.finishedJobs(olderThan: now + 1).sorted {
                    ($0.finishedAt ?? 0, $0.id) > ($1.finishedAt ?? 0, $1.id)
                }
                expired += finished.dropFirst(count)
            }
            var removed = Set<Int64>()
            for job in expired where !removed.contains(job.id) {
                do {
                    try store.remove(id: job.id)
                    try files.removeDirectory(of: job.id)
                    removed.insert(job.id)
                } catch StoreError.hasWaitingDependents {
                    continue
                }
            }
            if !removed.isEmpty { log.info("retention removed jobs", ["GLARE_COUNT": String(removed.count)]) }
        } catch {
            log.error("retention sweep failed", ["GLARE_ERROR": "\(error)"])
        }
    }

    /// Seconds between sweeps of the landmark caches; the first runs soon after the start.
    static let cacheSweepInterval: Double = 6 * 3_600

    /// Deletes landmark cache records no job has used for `cache_days` (`LandmarkCachePruner`).
    /// The sweep runs on a thread of its own: it reads every record's folder entry, which on a
    /// cache of millions of images takes long enough to starve the scheduler and the watchdog.
    func sweepLandmarkCaches() {
        let now = Date().timeIntervalSince1970
        let days = runtime.withLock { state -> Double? in
            guard let days = state.configuration.cacheDays, !state.cacheSweepRunning,
                now - state.lastCacheSweep >= Daemon.cacheSweepInterval
            else { return nil }
            state.lastCacheSweep = now
            state.cacheSweepRunning = true
            return days
        }
        guard let days else { return }

        let pruner = LandmarkCachePruner(cacheRoot: files.cacheRoot)
        startThread(named: "glare-cache-sweep") { [self] in
            let counts = pruner.prune(usedBefore: now - days * 86_400)
            runtime.withLock { $0.cacheSweepRunning = false }
            guard counts.removed > 0 || counts.skipped > 0 else { return }
            log.info(
                "landmark caches swept",
                [
                    "GLARE_REMOVED": String(counts.removed), "GLARE_KEPT": String(counts.kept),
                    "GLARE_SKIPPED": String(counts.skipped),
                ])
        }
    }
}
