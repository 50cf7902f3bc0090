import FoundationEssentials
import GlareClient

/// The commands about existing jobs: list, show, logs, cancel, wait, retry, remove.
extension Glarectl {
    func list() throws -> ExitStatus {
        let jobs = try connect().list(all: arguments.has("all"))
        Console.out(arguments.has("json") ? JSONText.encode(jobs) : JobText.table(jobs))
        return .success
    }

    func show() throws -> ExitStatus {
        let id = try singleJobId()
        let job = try connect().show(id: id)
        Console.out(arguments.has("json") ? JSONText.encode(job) : JobText.page(job))
        return .success
    }

    func logs() throws -> ExitStatus {
        let follow = arguments.has("follow")
        let id = try singleJobId()
        let write: (DaemonConnection.LogEvent) throws(ClientError) -> Void = { event throws(ClientError) in
            if case .chunk(let data, _) = event { Console.out(bytes: data) }
        }
        if follow {
            // Ends with the job's outcome, as `--follow` does, so a script can follow and branch.
            let state = try LogFollower(connect: connect).follow(id: id, handle: write)
            guard state == .succeeded else {
                Console.message(JobText.outcome(try connect().show(id: id)))
                return .jobFailed
            }
        } else {
            _ = try connect().streamLog(id: id, follow: false, handle: write)
        }
        return .success
    }

    func cancel() throws -> ExitStatus {
        let ids = try arguments.positionalJobIds()
        let items = try connect().cancel(ids: ids)
        var status = ExitStatus.success
        for item in items {
            if let error = item.error {
                status = worse(status, ExitStatus(ClientError.errorReply(error)))
                Console.message(error.message)
            } else if let job = item.job {
                Console.out("\(job.id) \(job.state == .running ? "cancelling" : job.state.rawValue)\n")
            }
        }
        return status
    }

    func wait() throws -> ExitStatus {
        let ids = try arguments.positionalJobIds()
        // A wait outlives a daemon restart: the request is asked again on a new connection.
        let items = try Reconnector(connect: connect).call { connection throws(ClientError) in
            try connection.wait(ids: ids)
        }
        if arguments.has("json") { Console.out(JSONText.encode(items)) }
        var status = ExitStatus.success
        for item in items {
            if let error = item.error {
                status = worse(status, ExitStatus(ClientError.errorReply(error)))
                Console.message(error.message)
            } else if let job = item.job {
                if !arguments.has("json") { Console.out("\(job.id) \(job.state.rawValue)\n") }
                if job.state != .succeeded {
                    status = worse(status, .jobFailed)
                    Console.message(JobText.outcome(job))
                }
            }
        }
        return status
    }

    func retry() throws -> ExitStatus {
        let id = try singleJobId()
        printJob(try connect().retry(id: id))
        return .success
    }

    func remove() throws -> ExitStatus {
        let id = try singleJobId()
        try connect().remove(id: id)
        return .success
    }

    /// The one job id a command takes.
    func singleJobId() throws(UsageError) -> Int64 {
        guard let first = try arguments.positionalJobIds().first else {
            throw .missingArgument("ID", command: arguments.command)
        }
        return first
    }

    /// Of two statuses, the one to exit with: any error over success, the first error kept.
    private func worse(_ current: ExitStatus, _ new: ExitStatus) -> ExitStatus {
        current == .success ? new : current
    }
}
