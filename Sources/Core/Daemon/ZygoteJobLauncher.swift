import Foundation
import Glibc

/// Starts workers through a pre-started `glare-worker --zygote` (see `WorkerZygote`), and spawns
/// them like `LocalJobLauncher` whenever the zygote cannot.
///
/// A worker made by the zygote is glared's own child in a process group of its own, with the same
/// arguments, environment and log as a spawned one, so waiting for it and signalling it are
/// `LocalJobLauncher`'s. Selected with `launcher = zygote` (the default; docs/configuration.md).
public struct ZygoteJobLauncher: JobLauncher {
    private let local: LocalJobLauncher
    private let zygote: WorkerZygoteConnection

    /// Creates a launcher for the worker at `workerExecutable`; failures of the zygote go to `log`.
    public init(workerExecutable: String, log: JournalLog) {
        local = LocalJobLauncher(workerExecutable: workerExecutable)
        zygote = WorkerZygoteConnection(workerExecutable: workerExecutable, log: log)
    }

    /// The zygote's pid while one runs.
    var zygoteProcessId: Int32? { zygote.processId }

    /// Asks the zygote for the worker of `request`, or spawns it.
    public func launch(_ request: LaunchRequest) throws -> LaunchedWorker {
        let log = try LocalJobLauncher.openLog(for: request)
        defer { close(log) }
        let arguments = LocalJobLauncher.workerArguments(for: request)
        guard let pid = zygote.startWorker(arguments: arguments, environment: request.environment, log: log) else {
            return try local.spawn(arguments: arguments, environment: request.environment, log: log)
        }
        // The child is glared's until reaped, so its stat file is there to read.
        return LaunchedWorker(processId: pid, startTime: ProcessInspector.startTime(of: pid) ?? 0)
    }

    /// Reaps the worker, glared's child however it was made.
    public func waitForEnd(_ worker: LaunchedWorker) throws -> ProcessTermination {
        try local.waitForEnd(worker)
    }

    /// Signals the worker's process group.
    public func signal(_ worker: LaunchedWorker, _ signal: Int32) throws {
        try local.signal(worker, signal)
    }
}
