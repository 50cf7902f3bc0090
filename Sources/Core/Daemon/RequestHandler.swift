import Foundation

/// Carries out one caller's requests against the daemon and writes the replies.
///
/// Anyone may submit, list, show, status and see models; a job's log, results, cancel, retry and
/// remove need its owner or an admin; drain, resume, setParallelism, reload and shutdown need an admin.
/// Each denial is answered with `denied` and logged with the uid and the operation.
struct RequestHandler {
    let daemon: Daemon
    let caller: Caller
    let session: ConnectionSession

    var store: JobStore { daemon.store }

    /// Handles `request`; returns false when the connection must close afterwards.
    func handle(_ request: Request) throws -> Bool {
        let reply: Reply
        do {
            switch request {
            case .logs(let id, let follow, let fromOffset):
                try streamLog(id: id, follow: follow, fromOffset: fromOffset)
                return true
            case .fetchFile(let id, let name, let offset):
                try streamResultFile(id: id, name: name, offset: offset)
                return true
            case .shutdown:
                try requireAdmin(request)
                try session.send(.ok)
                daemon.log.notice("shutdown requested", ["GLARE_USER": caller.name, "GLARE_UID": String(caller.uid)])
                let daemon = self.daemon
                daemon.startThread(named: "glare-shutdown") { daemon.stop() }
                return true
            default:
                reply = try answer(request)
            }
        } catch let failure as ErrorReply {
            reply = .error(failure)
        } catch let failure as StoreError {
            reply = .error(ErrorReply(failure))
        } catch is StreamAbort {
            return false
        } catch let lost as ConnectionLost {
            throw lost
        } catch {
            // Anything else (a file that cannot be read, a reply too large to frame) is this
            // request's failure: the caller hears why and the connection stays.
            daemon.log.warning(
                "request failed",
                ["GLARE_OPERATION": request.operation, "GLARE_UID": String(caller.uid), "GLARE_ERROR": "\(error)"])
            reply = .error(code: .internal, message: "\(request.operation) failed: \(error)")
        }
        try session.send(reply)
        return true
    }

    /// The one reply of a request that is not a stream.
    private func answer(_ request: Request) throws -> Reply {
        switch request {
        case .submit(let spec, let priority, let after):
            return .submitted(try submit(spec: spec, priority: priority, after: after))
        case .list(let all, let after, let limit):
            return try listPage(all: all, after: after, limit: limit)
        case .show(let id):
            return .job(caller.view(try job(id)))
        case .cancel(let ids):
            return .batch(ids.map { cancel(id: $0) })
        case .wait(let ids):
            return .batch(try wait(ids: ids))
        case .retry(let id):
            let original = try managedJob(id, operation: "retry", action: "retry it")
            let job = try store.retry(id: original.id)
            daemon.log.info(
                "job submitted", ["GLARE_JOB": String(job.id), "GLARE_USER": caller.name, "GLARE_RETRY_OF": String(id)])
            daemon.schedulerWake.notify()
            return .submitted(job)
        case .remove(let id):
            let job = try managedJob(id, operation: "remove", action: "remove it")
            try store.remove(id: job.id)
            do {
                try daemon.files.removeDirectory(of: job.id)
            } catch {
                daemon.log.warning(
                    "cannot delete a removed job's directory", ["GLARE_JOB": String(id), "GLARE_ERROR": "\(error)"])
            }
            daemon.jobChanges.notify()
            return .ok
        case .result(let id):
            return .files(try resultFiles(of: try managedJob(id, operation: "result", action: "read its results")))
        case .models:
            return .models(try ModelCatalog(daemon: daemon).models(visibleTo: caller))
        case .drain:
            try requireAdmin(request)
            daemon.setDraining(true)
            return .ok
        case .resume:
            try requireAdmin(request)
            daemon.setDraining(false)
            return .ok
        case .setParallelism(let group, let count):
            try requireAdmin(request)
            guard count >= 0, !group.isEmpty else {
                throw ErrorReply(code: .badRequest, message: "parallelism needs a group and a count of 0 or more")
            }
            daemon.setParallelism(group: group, count: count)
            return .status(try daemon.statusReport())
        case .reload:
            try requireAdmin(request)
            do {
                try daemon.reload()
            } catch {
                throw ErrorReply(code: .invalidConfiguration, message: "\(error); the previous settings stay")
            }
            return .status(try daemon.statusReport())
        case .status:
            return .status(try daemon.statusReport())
        case .logs, .fetchFile, .shutdown:
            throw ErrorReply(code: .internal, message: "\(request.operation) is a stream")
        }
    }

    /// The most jobs one `list` reply carries; a client reads on with `after`.
    static let listPageSize = 500

    /// One page of `list`: the caller's view of the jobs after `after`, as many as `limit` allows
    /// (at most `listPageSize`) and one frame holds, and whether more follow.
    private func listPage(all: Bool, after: Int64, limit: Int?) throws -> Reply {
        let pageSize = min(max(limit ?? Self.listPageSize, 1), Self.listPageSize)
        // One job more than the page, to know whether another page follows.
        let jobs = try store.list(includeFinished: all, after: after, limit: pageSize + 1).map(caller.view)
        var count = min(jobs.count, pageSize)
        let encoder = FrameEncoder()
        func fits(_ count: Int) throws -> Bool {
            do {
                _ = try encoder.encode(Reply.jobs(Array(jobs.prefix(count)), more: true))
                return true
            } catch .frameTooLarge {
                return false
            } catch {
                throw ErrorReply(code: .internal, message: "\(error)")
            }
        }
        if try !fits(count) {
            // The longest prefix that fits, by bisection: `low` fits, `high` does not.
            var low = 0
            var high = count
            while high - low > 1 {
                let middle = (low + high) / 2
                if try fits(middle) { low = middle } else { high = middle }
            }
            guard low > 0 else { throw ErrorReply(code: .internal, message: "job \(jobs[0].id) is too large to list") }
            count = low
        }
        return .jobs(Array(jobs.prefix(count)), more: count < jobs.count)
    }

    /// Validates, stores and announces a new job.
    private func submit(spec: JobSpec, priority: Int, after: [Int64]) throws -> JobRecord {
        if daemon.runtime.withLock({ $0.stopping }) {
            throw ErrorReply(code: .busy, message: "glared is stopping; submit again when it is back")
        }
        guard WireProtocol.priorities.contains(priority) else {
            let range = WireProtocol.priorities
            throw ErrorReply(
                code: .invalidSpec,
                message: "priority \(priority) is out of range; use \(range.lowerBound) to \(range.upperBound)")
        }
        let validated = try SpecValidator(daemon: daemon, caller: caller).validate(spec)
        let job = try store.submit(
            spec: validated, owner: caller.uid, ownerName: caller.name, priority: priority, dependencies: after,
            limits: daemon.configuration.schedulingLimits)
        daemon.log.info(
            "job submitted", ["GLARE_JOB": String(job.id), "GLARE_USER": caller.name, "GLARE_KIND": spec.kind.rawValue])
        daemon.jobChanges.notify()
        // A claim reads every waiting job; it is only worth it when this one could start now.
        if daemon.hasFreeSlot(inGroup: job.spec.effectiveGroup) { daemon.schedulerWake.notify() }
        return job
    }

    /// Cancels one job: waiting ones at once, running ones through their worker.
    private func cancel(id: Int64) -> BatchItem {
        do {
            let job = try managedJob(id, operation: "cancel", action: "cancel it")
            let changed = try store.cancel(id: job.id)
            if changed.state == .running { daemon.stopWorker(jobId: id, reason: .cancel) }
            daemon.log.info("job cancelled", ["GLARE_JOB": String(id), "GLARE_USER": caller.name])
            daemon.jobChanges.notify()
            return BatchItem(id: id, job: changed)
        } catch let failure as ErrorReply {
            return BatchItem(id: id, error: failure)
        } catch let failure as StoreError {
            return BatchItem(id: id, error: ErrorReply(failure))
        } catch {
            return BatchItem(id: id, error: ErrorReply(code: .internal, message: "job \(id): \(error)"))
        }
    }

    /// Blocks until every job is final (or the client left), then reports each.
    ///
    /// A job once final stays final, so each pass reads only the jobs not yet seen final, in order,
    /// and stops at the first that is still waiting or running: waiting for many jobs costs a read
    /// per job and change, not a read of every job at every change.
    private func wait(ids: [Int64]) throws -> [BatchItem] {
        var settled: [Int64: BatchItem] = [:]
        while true {
            let seen = daemon.jobChanges.current
            var pending = false
            for id in ids where settled[id] == nil {
                guard let job = try store.job(id: id) else {
                    settled[id] = BatchItem(id: id, error: ErrorReply(code: .notFound, message: "no job \(id)"))
                    continue
                }
                guard job.state.isFinal else {
                    pending = true
                    break
                }
                settled[id] = BatchItem(id: id, job: caller.view(job))
            }
            if !pending { return ids.map { settled[$0]! } }
            // A client that gave up shows as a readable (closed) socket; stop waiting for it.
            if try session.socket.waitUntilReadable(timeout: 0) { throw StreamAbort() }
            daemon.jobChanges.wait(after: seen, timeout: 0.5)
        }
    }

    /// The job, or `not_found`.
    func job(_ id: Int64) throws -> JobRecord {
        guard let job = try store.job(id: id) else { throw StoreError.notFound(id: id) }
        return job
    }

    /// The job, when the caller owns it or is an admin; otherwise `denied`, logged.
    ///
    /// - Parameters:
    ///   - operation: the request's wire name (`logs`, `fetchFile`, ...), logged as `GLARE_OPERATION`
    ///     so denials can be filtered by request, like the admin ones.
    ///   - action: what the caller tried, in words, for the reply: "read the log of".
    func managedJob(_ id: Int64, operation: String, action: String) throws -> JobRecord {
        let job = try job(id)
        guard caller.mayManage(job) else {
            daemon.log.warning(
                "request denied",
                [
                    "GLARE_UID": String(caller.uid), "GLARE_USER": caller.name, "GLARE_OPERATION": operation,
                    "GLARE_JOB": String(id),
                ])
            throw ErrorReply(
                code: .denied,
                message: "job \(id) belongs to \(job.ownerName); only its owner or an admin may \(action)")
        }
        return job
    }

    /// Passes for admins; otherwise `denied`, logged.
    private func requireAdmin(_ request: Request) throws {
        guard caller.isAdmin else {
            daemon.log.warning(
                "request denied",
                ["GLARE_UID": String(caller.uid), "GLARE_USER": caller.name, "GLARE_OPERATION": request.operation])
            throw ErrorReply(
                code: .denied,
                message: "\(request.operation) is for admins (root or members of \(daemon.configuration.adminGroup))")
        }
    }
}

/// Thrown when a streaming or waiting client went away: the connection closes without a reply.
struct StreamAbort: Error {}
