import Foundation
import Glibc
import Synchronization

/// glared: the queue, the socket, the scheduler and the workers, in one object.
///
/// `start()` reconciles jobs left running by a previous daemon, listens, and starts the threads:
/// one accepts connections (a thread per connection serves it), one schedules and keeps house
/// (claims, progress, status, watchdog, retention), and one per running worker waits for it to
/// end. `stop()` stops taking work, asks every worker to checkpoint and stop, records their jobs
/// `interrupted` so the next start resumes them, and returns when they are gone.
public final class Daemon: Sendable {
    /// The software version in hello and status replies.
    public static let softwareVersion = "glared \(GlareRelease.version)"

    /// The options it was started with.
    public let options: DaemonOptions
    /// The queue.
    public let store: JobStore
    /// The daemon's log.
    public let log: JournalLog
    /// Where workers start.
    let launcher: any JobLauncher
    /// The daemon's own uid: root serves everyone, anyone else serves only themselves.
    public let daemonUid: UInt32
    /// Job directories and the landmark caches.
    let files: DaemonFiles
    /// Bumped whenever a job's state changes; `wait` and log followers watch it.
    let jobChanges = ChangeNotifier()
    /// Wakes the scheduler early (a submit, a finished job, a resume).
    let schedulerWake = ChangeNotifier()
    /// Caps the connections served at once, in all and per user.
    let connectionLimiter = ConnectionLimiter()
    let runtime: Mutex<RuntimeState>
    let listenerBox = Mutex<SocketListener?>(nil)

    /// The mutable part, behind one lock.
    struct RuntimeState {
        var configuration: DaemonConfiguration
        var draining = false
        var stopping = false
        var stopped = false
        var schedulerRunning = false
        var workers: [Int64: SupervisedWorker] = [:]
        /// Ends of workers that the queue could not record yet (a locked or failing database),
        /// retried at each housekeeping pass; their jobs stay `running` in the queue meanwhile.
        var unrecordedEnds: [Int64: WorkerEnd] = [:]
        var lastStatusLine = ""
        var lastWatchdogPing = 0.0
        var watchdogInterval: Double?
        var lastRetentionSweep = 0.0
        var lastCacheSweep = 0.0
        var cacheSweepRunning = false
    }

    /// Why the daemon itself stopped a worker.
    enum StopReason: Sendable {
        /// Its owner or an admin cancelled the job.
        case cancel
        /// The daemon is stopping; the job resumes at the next start.
        case shutdown
    }

    /// A running worker and what the daemon knows about it.
    struct SupervisedWorker: Sendable {
        var job: JobRecord
        var worker: LaunchedWorker
        var stopReason: StopReason?
        var progress: ProgressReader
        var lastProgressStored = 0.0
    }

    /// How a worker ended, as the queue is to record it.
    struct WorkerEnd: Sendable {
        var job: JobRecord
        var decision: WorkerEndDecision
        var termination: ProcessTermination
        var progress: ProgressEvent?
        /// Failed attempts to record it.
        var failures = 0
    }

    /// Opens the queue and prepares the state directory; does not listen yet.
    ///
    /// - Throws: `StoreError` for a damaged or newer database (glared refuses to start), or
    ///   `SystemCallError` when the state directory cannot be made.
    public init(options: DaemonOptions) throws {
        self.options = options
        self.log = options.log
        self.launcher = options.launcher
        self.daemonUid = options.serviceUid ?? getuid()
        self.files = DaemonFiles(stateDirectory: options.stateDirectory, runsAsRoot: geteuid() == 0)
        try files.prepareStateDirectory()
        self.store = try JobStore(path: options.stateDirectory.appendingPathComponent("queue.sqlite"))
        self.runtime = Mutex(RuntimeState(configuration: options.configuration))
    }

    /// The configuration in force.
    public var configuration: DaemonConfiguration { runtime.withLock { $0.configuration } }

    /// Whether the daemon starts no new jobs.
    public var isDraining: Bool { runtime.withLock { $0.draining } }

    /// Reconciles, listens, and starts the daemon's threads; then tells systemd it is ready.
    public func start() throws {
        try reconcile()

        let listener: SocketListener
        if let inherited = options.inheritedListener {
            listener = try SocketListener.adopt(fileDescriptor: inherited)
        } else {
            // Authorisation is per operation, so a root daemon's socket is open to every local user;
            // a user's daemon serves only its user, and its socket says so too.
            let mode: mode_t = daemonUid == 0 ? 0o666 : 0o600
            listener = try SocketListener.bind(path: options.socketPath, mode: mode)
        }
        listenerBox.withLock { $0 = listener }

        let watchdog = options.notifiesSystemd ? (try? SystemdNotifier.watchdogPingInterval()) ?? nil : nil
        runtime.withLock { $0.watchdogInterval = watchdog }

        // Ready once the socket listens (connections wait in its backlog) and before the scheduler
        // sends its first STATUS=, so READY=1 is the first message systemd gets.
        if options.notifiesSystemd {
            let status = statusLine()
            do {
                try SystemdNotifier.ready(status: status)
                runtime.withLock { $0.lastStatusLine = status }
            } catch {
                log.warning("cannot notify systemd", ["GLARE_ERROR": "\(error)"])
            }
        }

        startThread(named: "glare-accept") { [self] in acceptLoop(listener) }
        runtime.withLock { $0.schedulerRunning = true }
        startThread(named: "glare-scheduler") { [self] in
            schedulerLoop()
            runtime.withLock { $0.schedulerRunning = false }
            jobChanges.notify()
        }

        log.notice(
            "glared started",
            [
                "GLARE_SOCKET": options.inheritedListener == nil ? options.socketPath : "inherited",
                "GLARE_STATE_DIR": options.stateDirectory.path,
                "GLARE_UID": String(daemonUid),
            ])
    }

    /// Blocks until `stop()` has finished.
    public func waitUntilStopped() {
        while true {
            let seen = jobChanges.current
            if runtime.withLock({ $0.stopped }) { return }
            jobChanges.wait(after: seen, timeout: 1)
        }
    }

    /// Stops cleanly: no new connections or jobs, workers asked to checkpoint and stop (SIGTERM to
    /// their groups, SIGKILL after the grace period), their jobs `interrupted` to resume later.
    /// Safe to call more than once and from any thread; returns when the workers are gone.
    public func stop() {
        let alreadyStopping = runtime.withLock { state -> Bool in
            defer { state.stopping = true }
            return state.stopping
        }
        if alreadyStopping {
            waitUntilStopped()
            return
        }
        log.notice("glared stopping", ["GLARE_RUNNING": String(runtime.withLock { $0.workers.count })])
        if options.notifiesSystemd {
            _ = try? SystemdNotifier.stopping(status: "stopping: interrupting running jobs")
        }
        listenerBox.withLock { listener in
            listener?.close()
            listener = nil
        }
        schedulerWake.notify()

        // A launch in progress finishes first, so every worker that exists is known when they are stopped.
        while runtime.withLock({ $0.schedulerRunning }) {
            let seen = jobChanges.current
            if !runtime.withLock({ $0.schedulerRunning }) { break }
            jobChanges.wait(after: seen, timeout: 0.1)
        }
        stopAllWorkers()
        recordUnrecordedEnds()
        let unrecorded = runtime.withLock { $0.unrecordedEnds.count }
        if unrecorded > 0 {
            // The jobs stay `running` in the queue; the next start finds their workers gone, records
            // a job whose worker left a succeeded outcome as succeeded and requeues the others.
            log.error("job ends not recorded at exit", ["GLARE_UNRECORDED": String(unrecorded)])
        }

        // glared exits without closing the database, so the log is folded into the file here.
        do {
            try store.checkpoint()
        } catch {
            log.warning("cannot checkpoint the queue database", ["GLARE_ERROR": "\(error)"])
        }

        runtime.withLock { $0.stopped = true }
        log.notice("glared stopped")
        jobChanges.notify()
        schedulerWake.notify()
    }

    /// Re-reads the configuration file (SIGHUP, or a `reload` request). The socket and state
    /// directory stay as they are until a restart; everything else takes effect at once.
    /// - Throws: the file's error, or `.unreadable` when glared runs without a file; the previous
    ///   settings then stay.
    public func reload() throws(ConfigurationError) {
        guard let file = options.configurationFile else {
            log.notice("configuration reload asked, but glared runs without a configuration file")
            throw .unreadable(path: "(none)", detail: "glared was started without a configuration file")
        }
        if options.notifiesSystemd { _ = try? SystemdNotifier.reloading() }
        defer {
            if options.notifiesSystemd { _ = try? SystemdNotifier.ready(status: statusLine()) }
            schedulerWake.notify()
        }
        do {
            let fresh = try DaemonConfiguration.load(path: file.path, required: file.required)
            let previous = runtime.withLock { state -> DaemonConfiguration in
                defer { state.configuration = fresh }
                return state.configuration
            }
            if fresh.socketPath != previous.socketPath || fresh.stateDirectory != previous.stateDirectory
                || fresh.launcher != previous.launcher
            {
                log.warning(
                    "socket, state_dir and launcher changes take effect at the next start", ["GLARE_CONFIG": file.path])
            }
            log.notice("configuration reloaded", ["GLARE_CONFIG": file.path])
        } catch {
            log.error("configuration reload failed; the previous settings stay", ["GLARE_ERROR": "\(error)"])
            throw error
        }
    }

    /// Stops starting jobs (running ones go on) or starts again.
    public func setDraining(_ draining: Bool) {
        runtime.withLock { $0.draining = draining }
        log.notice(draining ? "draining: no new jobs start" : "resumed: jobs start again")
        schedulerWake.notify()
    }

    /// Sets a group's parallelism until the next reload or restart.
    public func setParallelism(group: String, count: Int) {
        runtime.withLock { $0.configuration.parallelism[group] = count }
        log.notice("parallelism changed", ["GLARE_GROUP": group, "GLARE_PARALLELISM": String(count)])
        schedulerWake.notify()
    }

    /// The daemon's state for a `status` reply.
    public func statusReport() throws -> StatusReport {
        let (draining, configuration) = runtime.withLock { ($0.draining, $0.configuration) }
        var parallelism = configuration.parallelism
        parallelism["*"] = configuration.defaultParallelism
        return StatusReport(
            counts: try store.counts(), draining: draining, version: Daemon.softwareVersion, parallelism: parallelism)
    }

    /// The `STATUS=` line: the queue's counts.
    func statusLine() -> String {
        guard let counts = try? store.counts() else { return "queue unreadable" }
        let draining = runtime.withLock { $0.draining } ? ", draining" : ""
        return "\(counts[.running] ?? 0) running, \(counts[.queued] ?? 0) queued, "
            + "\(counts[.interrupted] ?? 0) interrupted\(draining)"
    }

    /// Accepts connections until the listener closes; each gets a thread.
    private func acceptLoop(_ listener: SocketListener) {
        while true {
            do {
                guard let connection = try listener.accept() else { return }
                startThread(named: "glare-connection") { [self] in
                    ConnectionSession(daemon: self, connection: connection).run()
                }
            } catch {
                log.error("accept failed", ["GLARE_ERROR": "\(error)"])
                usleep(100_000)
            }
        }
    }

    /// Starts a detached thread with a name (visible in `ps -L` and debuggers).
    func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }
}
