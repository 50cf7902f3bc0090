import Foundation
import Glibc

/// The scheduler thread: claims jobs, starts their workers, and keeps house twice a second.
extension Daemon {
    /// Seconds between housekeeping passes when nothing wakes the scheduler.
    static let housekeepingInterval = 0.5
    /// The least time between two stored progress events of one job.
    static let progressStoreInterval = 1.0

    /// Claims and launches until nothing more may start, then keeps house; until the daemon stops.
    func schedulerLoop() {
        while true {
            let seen = schedulerWake.current
            let (stopping, draining) = runtime.withLock { ($0.stopping, $0.draining) }
            if stopping { return }
            if !draining { startReadyJobs() }
            keepHouse()
            schedulerWake.wait(after: seen, timeout: Daemon.housekeepingInterval)
        }
    }

    /// Claims jobs while the limits allow and launches each.
    func startReadyJobs() {
        while true {
            let limits = runtime.withLock { state -> SchedulingLimits? in
                state.stopping || state.draining ? nil : state.configuration.schedulingLimits
            }
            guard let limits else { return }
            let claimed: JobRecord?
            do {
                claimed = try store.claimNext(limits: limits)
            } catch {
                log.error("cannot claim the next job", ["GLARE_ERROR": "\(error)"])
                return
            }
            guard let job = claimed else { return }
            launch(job)
            jobChanges.notify()
        }
    }

    /// Starts the worker of a claimed job and a thread that waits for it; a job that cannot start fails.
    func launch(_ job: JobRecord) {
        let fields = ["GLARE_JOB": String(job.id), "GLARE_USER": job.ownerName, "GLARE_KIND": job.spec.kind.rawValue]
        do {
            let account = try UserAccount.lookup(uid: job.owner)
            guard let account else {
                throw SystemCallError("look up the owner uid \(job.owner)", code: ENOENT)
            }
            try files.prepare(job: job, ownerGroup: account.gid)
            let request = LaunchRequest(
                job: job, directory: files.directory(of: job.id),
                cacheDirectory: files.cacheDirectory(of: job.owner).path,
                dropsToOwner: files.runsAsRoot && job.owner != 0, ownerGroup: account.gid,
                environment: workerEnvironment(for: account), logMaxBytes: configuration.logMaxBytes)
            let worker = try launcher.launch(request)
            // Progress is first stored a `progressStoreInterval` after the start: a short job's
            // only progress goes into its finish, with no commit of its own.
            let supervised = SupervisedWorker(
                job: job, worker: worker, stopReason: nil,
                progress: ProgressReader(path: request.directory.events.path),
                lastProgressStored: Date().timeIntervalSince1970)
            runtime.withLock { $0.workers[job.id] = supervised }
            log.info(
                job.attempt > 1 ? "job resumed" : "job started",
                fields.merging(["GLARE_PID": String(worker.processId), "GLARE_ATTEMPT": String(job.attempt)]) { $1 })
            // The worker's thread records its pid, so the scheduler goes on to the next claim
            // while that change waits for its group's commit.
            startThread(named: "glare-worker-\(job.id)") { [self] in
                do {
                    try store.markStarted(
                        id: job.id, attempt: job.attempt, pid: worker.processId, pidStartTime: worker.startTime)
                } catch {
                    log.warning("cannot record the worker's pid", fields.merging(["GLARE_ERROR": "\(error)"]) { $1 })
                }
                supervise(jobId: job.id, worker: worker)
            }
            // A cancel that came between the claim and the worker being known found nothing to signal.
            if (try? store.cancelRequested(id: job.id)) == true { stopWorker(jobId: job.id, reason: .cancel) }
        } catch {
            log.error("job could not start", fields.merging(["GLARE_ERROR": "\(error)"]) { $1 })
            _ = try? store.finish(
                id: job.id, attempt: job.attempt, state: .failed, reason: "could not start the worker: \(error)",
                summary: nil)
        }
    }

    /// Whether `group` runs fewer workers than its parallelism: a job just submitted to a full
    /// group cannot start before one of its jobs ends, and that end wakes the scheduler anyway.
    func hasFreeSlot(inGroup group: String) -> Bool {
        runtime.withLock { state in
            let running = state.workers.values.count { $0.job.spec.effectiveGroup == group }
            return running < state.configuration.schedulingLimits.parallelism(of: group)
        }
    }

    /// The worker's whole environment: a clean one plus what jobs need.
    func workerEnvironment(for account: UserAccount) -> [String: String] {
        let configuration = runtime.withLock { $0.configuration }
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": account.home,
            "USER": account.name,
            "LOGNAME": account.name,
            "LANG": options.environment["LANG"] ?? "C.UTF-8",
            "OPENBLAS_NUM_THREADS": String(configuration.openblasThreads),
        ]
        for (key, value) in options.environment where key.hasPrefix("GLARE_") && key != "GLARE_SOCKET" {
            environment[key] = value
        }
        return environment
    }

    /// Waits for one worker to end and records what became of its job.
    func supervise(jobId: Int64, worker: LaunchedWorker) {
        let termination: ProcessTermination
        do {
            termination = try launcher.waitForEnd(worker)
        } catch {
            log.error("lost track of a worker", ["GLARE_JOB": String(jobId), "GLARE_ERROR": "\(error)"])
            termination = .signaled(0)
        }

        guard var supervised = runtime.withLock({ $0.workers[jobId] }) else { return }
        // The last progress goes into the same change as the job's end.
        _ = supervised.progress.readNew()
        let configuration = configuration
        let directory = files.directory(of: jobId)
        let outcome = WorkerOutcomeFile.read(directory.outcome.path, owner: supervised.job.owner)
        let cancelRequested = (try? store.cancelRequested(id: jobId)) == true
        let decision = WorkerEndDecision.decide(
            termination: termination, outcome: outcome,
            stoppedForCancel: supervised.stopReason == .cancel || cancelRequested,
            stoppedForShutdown: supervised.stopReason == .shutdown,
            restarts: supervised.job.restarts, maxRestarts: configuration.maxRestarts)
        apply(decision, to: supervised.job, termination: termination, progress: supervised.progress.latest)

        runtime.withLock { _ = $0.workers.removeValue(forKey: jobId) }
        jobChanges.notify()
        schedulerWake.notify()
    }

    /// Records a worker's end in the queue and the log; an end the queue cannot take now (its
    /// database locked or failing) is kept and retried at each housekeeping pass.
    func apply(
        _ decision: WorkerEndDecision, to job: JobRecord, termination: ProcessTermination, progress: ProgressEvent?
    ) {
        record(WorkerEnd(job: job, decision: decision, termination: termination, progress: progress))
    }

    /// Tries to record `end`; keeps it in `unrecordedEnds` when the database failed.
    private func record(_ end: WorkerEnd) {
        var fields = [
            "GLARE_JOB": String(end.job.id), "GLARE_USER": end.job.ownerName,
            "GLARE_EXIT": end.termination.description,
        ]
        if end.failures > 0 { fields["GLARE_RETRIES"] = String(end.failures) }
        do {
            switch end.decision {
            case .finish(let state, let reason, let summary):
                try store.finish(
                    id: end.job.id, attempt: end.job.attempt, state: state, reason: reason, summary: summary,
                    progress: end.progress)
                fields["GLARE_STATE"] = state.rawValue
                if let reason { fields["GLARE_REASON"] = reason }
                log.log(state == .failed ? .warning : .info, "job finished", fields)
            case .requeue(let reason):
                try store.requeueInterrupted(
                    id: end.job.id, attempt: end.job.attempt, reason: reason, progress: end.progress)
                fields["GLARE_STATE"] = JobState.interrupted.rawValue
                log.info("job interrupted", fields)
            }
            runtime.withLock { _ = $0.unrecordedEnds.removeValue(forKey: end.job.id) }
        } catch StoreError.database(let failure) {
            var kept = end
            kept.failures += 1
            runtime.withLock { $0.unrecordedEnds[end.job.id] = kept }
            // The first failure is an error; the retries, twice a second, say so once a minute.
            if kept.failures == 1 || kept.failures % 120 == 0 {
                log.error(
                    "cannot record a job's end; retrying",
                    fields.merging(["GLARE_ERROR": "\(failure)", "GLARE_RETRIES": String(kept.failures)]) { $1 })
            }
        } catch {
            // The job no longer runs with this attempt (a restart took it over): nothing to record.
            runtime.withLock { _ = $0.unrecordedEnds.removeValue(forKey: end.job.id) }
            log.error("cannot record a job's end", fields.merging(["GLARE_ERROR": "\(error)"]) { $1 })
        }
    }

    /// Tries again to record the ends the queue could not take before.
    func recordUnrecordedEnds() {
        let ends = runtime.withLock { Array($0.unrecordedEnds.values) }
        guard !ends.isEmpty else { return }
        for end in ends.sorted(by: { $0.job.id < $1.job.id }) { record(end) }
        jobChanges.notify()
    }

    /// Asks a running job's worker to stop for a cancel: SIGTERM now, SIGKILL after the grace period.
    func stopWorker(jobId: Int64, reason: StopReason) {
        guard
            let worker = runtime.withLock({ state -> LaunchedWorker? in
                guard state.workers[jobId] != nil else { return nil }
                state.workers[jobId]!.stopReason = state.workers[jobId]!.stopReason ?? reason
                return state.workers[jobId]!.worker
            })
        else { return }
        do {
            try launcher.signal(worker, SIGTERM)
        } catch {
            log.warning("cannot signal a worker", ["GLARE_JOB": String(jobId), "GLARE_ERROR": "\(error)"])
        }
        let grace = configuration.graceSeconds
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in
            let stillRunning = runtime.withLock { $0.workers[jobId]?.worker == worker }
            guard stillRunning else { return }
            log.warning("worker ignored SIGTERM; killing it", ["GLARE_JOB": String(jobId)])
            try? launcher.signal(worker, SIGKILL)
        }
    }

    /// Stops every worker for a shutdown and waits until each one's end is recorded.
    func stopAllWorkers() {
        let jobIds = runtime.withLock { Array($0.workers.keys) }
        for jobId in jobIds { stopWorker(jobId: jobId, reason: .shutdown) }
        // stopWorker's own timer sends SIGKILL after the grace period; allow a little more for the end to be recorded.
        let deadline = Date(timeIntervalSinceNow: configuration.graceSeconds + 10)
        while Date() < deadline {
            let seen = jobChanges.current
            if runtime.withLock({ $0.workers.isEmpty }) { return }
            jobChanges.wait(after: seen, timeout: 0.2)
        }
        log.error("workers still running at exit", ["GLARE_RUNNING": String(runtime.withLock { $0.workers.count })])
    }

    /// Progress, systemd status and watchdog, retention, landmark caches.
    func keepHouse() {
        let jobIds = runtime.withLock { Array($0.workers.keys) }
        for jobId in jobIds {
            guard var supervised = runtime.withLock({ $0.workers[jobId] }) else { continue }
            storeProgress(of: &supervised, force: false)
            runtime.withLock { state in
                if state.workers[jobId] != nil {
                    state.workers[jobId]!.progress = supervised.progress
                    state.workers[jobId]!.lastProgressStored = supervised.lastProgressStored
                }
            }
        }
        recordUnrecordedEnds()
        talkToSystemd()
        sweepRetention()
        sweepLandmarkCaches()
    }

    /// Reads new progress events and stores the newest, at most once per `progressStoreInterval`.
    func storeProgress(of supervised: inout SupervisedWorker, force: Bool) {
        let now = Date().timeIntervalSince1970
        guard force || now - supervised.lastProgressStored >= Daemon.progressStoreInterval else { return }
        let previousOffset = supervised.progress.offset
        _ = supervised.progress.readNew()
        guard supervised.progress.offset != previousOffset, let event = supervised.progress.latest else { return }
        do {
            try store.recordProgress(id: supervised.job.id, attempt: supervised.job.attempt, event: event)
            supervised.lastProgressStored = now
        } catch {
            log.warning("cannot store progress", ["GLARE_JOB": String(supervised.job.id), "GLARE_ERROR": "\(error)"])
        }
    }

    /// Sends `STATUS=` when the counts changed and `WATCHDOG=1` at half the watchdog interval.
    func talkToSystemd() {
        guard options.notifiesSystemd else { return }
        let line = statusLine()
        let now = Date().timeIntervalSince1970
        let (statusChanged, pingDue) = runtime.withLock { state -> (Bool, Bool) in
            let changed = state.lastStatusLine != line
            state.lastStatusLine = line
            var due = false
            if let interval = state.watchdogInterval, now - state.lastWatchdogPing >= interval {
                state.lastWatchdogPing = now
                due = true
            }
            return (changed, due)
        }
        var message: [String] = []
        if statusChanged { message.append("STATUS=\(line)") }
        if pingDue { message.append("WATCHDOG=1") }
        guard !message.isEmpty else { return }
        _ = try? SystemdNotifier.notify(message.joined(separator: "\n"))
    }
}
