import FoundationEssentials
import GlareClient
import GlareProtocol

/// `train`, `evaluate`, `infer` and `extract`: submit a job, print it, maybe follow it.
extension Glarectl {
    func submit() throws -> ExitStatus {
        let submission = try JobSubmission(arguments, workingDirectory: FileManager.default.currentDirectoryPath)
        let connection = try connect()
        let job = try connection.submit(submission.spec, priority: submission.priority, after: submission.after)
        printJob(job)
        guard arguments.has("follow") else { return .success }
        return try follow(job.id, connection: connection)
    }

    /// The new job's id, or with `--json` its record.
    func printJob(_ job: JobRecord) {
        Console.out(arguments.has("json") ? JSONText.encode(job) : "\(job.id)\n")
    }

    /// Streams the job's log to standard output with a progress line on standard error, until
    /// the job ends, across daemon restarts. Success if it succeeded; otherwise its outcome on
    /// standard error.
    func follow(_ id: Int64, connection: DaemonConnection) throws -> ExitStatus {
        let display = FollowDisplay(
            isTerminal: Console.errorIsTerminal, terminalWidth: Console.terminalWidth,
            writeOutput: { Console.out(bytes: $0) }, writeError: Console.error)
        // Progress comes from `show` on a second connection; the first is busy with the log stream.
        let progress = ProgressPoller(connect: connect)
        let follower = LogFollower(connect: connect)
        _ = try follower.follow(id: id, using: connection, idleInterval: .seconds(1)) { event throws(ClientError) in
            if case .chunk(let data, _) = event { display.log(data) }
            display.showProgress(progress.poll(id))
        }
        display.finishLog()

        let job = try connect().show(id: id)
        display.showFinal(job.progress)
        guard job.state == .succeeded else {
            Console.message(JobText.outcome(job))
            return .jobFailed
        }
        return .success
    }
}
