import CGlareSystem
import Foundation
import Glibc

/// What `glare-worker` does: become the job's owner, run the job's runner, report how it ended.
///
/// The order matters. The identity is dropped first, before any file of the job is opened, so
/// every path in the spec is resolved with the owner's rights. SIGTERM only sets a flag the runner
/// polls (`JobContext.stopRequested`); a training job then saves a checkpoint and returns an
/// `interrupted` outcome. The outcome goes to `outcome.json` (written to a temporary name and
/// renamed, so the daemon never reads half a file) and the exit status says the state: 0, 1 or 75.
public enum WorkerProcess {
    /// Runs the worker and returns its exit status.
    public static func run(_ arguments: WorkerArguments, environment: [String: String]) -> Int32 {
        if let uid = arguments.uid, let gid = arguments.gid {
            do {
                try PrivilegeDrop.become(uid: uid, gid: gid)
            } catch {
                writeLine("glare-worker: cannot become uid \(uid): \(error)")
                return WorkerOutcome.failureExitStatus
            }
        }
        umask(0o077)

        var cappedOutput: CappedOutput?
        if let limit = arguments.logMaxBytes {
            let capped = CappedOutput(limit: limit)
            do {
                try capped.start()
                cappedOutput = capped
            } catch {
                writeLine("glare-worker: the log is not capped: \(error)")
            }
        }
        defer { cappedOutput?.finish() }

        guard glare_install_stop_handler(SIGTERM) == 0 else {
            writeLine("glare-worker: \(SystemCallError("sigaction SIGTERM"))")
            return WorkerOutcome.failureExitStatus
        }

        let directory = JobDirectory(url: URL(fileURLWithPath: arguments.jobDirectory, isDirectory: true))
        // An outcome left by an earlier attempt must not be taken for this one's.
        try? FileManager.default.removeItem(at: directory.outcome)

        let outcome = runJob(arguments, directory: directory, environment: environment)
        do {
            try write(outcome, to: directory.outcome)
        } catch {
            writeLine("glare-worker: cannot write \(directory.outcome.path): \(error)")
        }
        if let reason = outcome.reason { writeLine("glare-worker: job \(outcome.state.rawValue): \(reason)") }
        switch outcome.state {
        case .succeeded: return WorkerOutcome.successExitStatus
        case .interrupted: return WorkerOutcome.interruptedExitStatus
        default: return WorkerOutcome.failureExitStatus
        }
    }

    /// Ends the worker process with `status` once `run` has returned, skipping the process's teardown.
    ///
    /// By then everything that must survive is on the disk or in the kernel: result files are
    /// flushed, the outcome file is renamed into place, the log thread has copied its last bytes.
    /// `exit` would add nothing but work before glared hears of the end: atexit handlers (OpenBLAS's
    /// memory release, Foundation's), the C library's own clean-up and the dynamic linker's
    /// destructors, which in a worker forked from the zygote also copy pages they write. Buffered
    /// C standard output is flushed first; the kernel frees the rest.
    public static func end(_ status: Int32) -> Never {
        fflush(nil)
        _exit(status)
    }

    /// The landmark cache: the argument, else `$XDG_CACHE_HOME/glare/landmarks`, else `~/.cache/glare/landmarks`.
    public static func cacheDirectory(_ arguments: WorkerArguments, environment: [String: String]) -> URL {
        if let given = arguments.cacheDirectory { return URL(fileURLWithPath: given, isDirectory: true) }
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") {
            return URL(fileURLWithPath: cache).appendingPathComponent("glare/landmarks", isDirectory: true)
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/glare/landmarks", isDirectory: true)
    }

    private static func runJob(
        _ arguments: WorkerArguments, directory: JobDirectory, environment: [String: String]
    ) -> WorkerOutcome {
        let spec: JobSpec
        do {
            let data = try Data(contentsOf: directory.spec)
            spec = try WireProtocol.makeDecoder().decode(JobSpec.self, from: data)
            let cache = cacheDirectory(arguments, environment: environment)
            // `checkpoints/` is made by the first checkpoint written (AtomicFile makes folders):
            // only training writes one, and every inode made costs a small job time.
            for folder in [directory.results, cache] {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            }
        } catch {
            return WorkerOutcome(state: .failed, reason: "cannot prepare the job: \(error)")
        }

        let events = EventsFile(path: directory.events.path)
        let context = JobContext(
            jobId: arguments.jobId, directory: directory,
            landmarkCacheDirectory: cacheDirectory(arguments, environment: environment),
            reportProgress: { events.append($0) },
            stopRequested: { glare_stop_requested() != 0 },
            log: { writeLine($0) })
        writeLine("glare-worker: job \(arguments.jobId) (\(spec.kind.rawValue)) starts as uid \(getuid())")
        do {
            switch spec.kind {
            case .train: return try TrainJob.run(spec, context: context)
            case .evaluate: return try EvaluateJob.run(spec, context: context)
            case .infer: return try InferJob.run(spec, context: context)
            case .extract: return try ExtractJob.run(spec, context: context)
            }
        } catch {
            return WorkerOutcome(state: .failed, reason: "\(error)")
        }
    }

    private static func write(_ outcome: WorkerOutcome, to url: URL) throws {
        try AtomicFile.write(WireProtocol.makeEncoder().encode(outcome), to: url)
    }

    /// Writes one line to standard output (the job's log) at once.
    static func writeLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// Appends progress events to `events.jsonl`, one JSON line each, from any thread.
final class EventsFile: Sendable {
    private let path: String
    private let lock = NSLock()

    init(path: String) { self.path = path }

    /// Appends `event`; a failure is written to the log and otherwise ignored (progress is advisory).
    func append(_ event: ProgressEvent) {
        guard var line = try? WireProtocol.makeEncoder().encode(event) else { return }
        line.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            WorkerProcess.writeLine("glare-worker: \(SystemCallError("open \(path)"))")
            return
        }
        defer { close(descriptor) }
        // One write call with O_APPEND keeps a line whole for the daemon's reader.
        _ = line.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    }
}
