import Foundation
import Glibc

/// Starts `glare-worker` as a child process in a process group of its own.
///
/// The command is `glare-worker --job-dir DIR --job-id N --cache-dir DIR --log-max-bytes N [--uid U --gid G]`; with
/// `--uid` the worker drops to that user before it reads anything. Standard output and error go to
/// the job's log, opened here with `O_APPEND`, so the daemon never holds job output in memory.
public struct LocalJobLauncher: JobLauncher {
    /// The worker executable.
    public let workerExecutable: String

    /// Creates a launcher for the worker at `workerExecutable`.
    public init(workerExecutable: String) {
        self.workerExecutable = workerExecutable
    }

    /// The worker beside the running executable (`glared` and `glare-worker` are installed together).
    public static func workerBesideExecutable() -> String {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidate = executable.deletingLastPathComponent().appendingPathComponent("glare-worker").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: link).deletingLastPathComponent().appendingPathComponent("glare-worker").path
        }
        return candidate
    }

    /// Spawns the worker for `request` and returns its pid and start time.
    public func launch(_ request: LaunchRequest) throws -> LaunchedWorker {
        let log = try LocalJobLauncher.openLog(for: request)
        defer { close(log) }
        return try spawn(
            arguments: LocalJobLauncher.workerArguments(for: request), environment: request.environment, log: log)
    }

    /// Spawns the worker with `arguments`, its output on `log`.
    func spawn(arguments: [String], environment: [String: String], log: Int32) throws -> LaunchedWorker {
        let pid = try ProcessSpawner.spawn(
            executable: workerExecutable, arguments: arguments, environment: environment, outputFileDescriptor: log)

        // The child exists until we reap it, so its stat file is there to read.
        let startTime = ProcessInspector.startTime(of: pid) ?? 0
        return LaunchedWorker(processId: pid, startTime: startTime)
    }

    /// Opens the job's log for appending (the caller closes it), handed to the owner when the worker drops to it.
    static func openLog(for request: LaunchRequest) throws -> Int32 {
        let logPath = request.directory.log.path
        // The job directory is the owner's: a link planted as `log` must not make a root daemon
        // append to (and hand over) some other file.
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard log >= 0 else { throw SystemCallError("open \(logPath)") }
        do {
            var status = stat()
            guard fstat(log, &status) == 0 else { throw SystemCallError("fstat \(logPath)") }
            guard status.st_mode & S_IFMT == S_IFREG, status.st_nlink == 1,
                status.st_uid == request.job.owner || status.st_uid == geteuid()
            else {
                throw SystemCallError("\(logPath) is not a plain file of the job's owner", code: EPERM)
            }
            if request.dropsToOwner {
                guard fchown(log, request.job.owner, request.ownerGroup) == 0 else {
                    throw SystemCallError("chown \(logPath)")
                }
            }
        } catch {
            close(log)
            throw error
        }
        return log
    }

    /// The worker's command-line arguments for `request`.
    static func workerArguments(for request: LaunchRequest) -> [String] {
        var arguments = [
            "--job-dir", request.directory.url.path, "--job-id", String(request.job.id),
            "--cache-dir", request.cacheDirectory, "--log-max-bytes", String(request.logMaxBytes),
        ]
        if request.dropsToOwner {
            arguments += ["--uid", String(request.job.owner), "--gid", String(request.ownerGroup)]
        }
        return arguments
    }

    /// Reaps the child.
    public func waitForEnd(_ worker: LaunchedWorker) throws -> ProcessTermination {
        try ProcessSpawner.waitForExit(worker.processId)
    }

    /// Signals the child's process group.
    public func signal(_ worker: LaunchedWorker, _ signal: Int32) throws {
        try ProcessSpawner.signalGroup(worker.processId, signal)
    }
}
