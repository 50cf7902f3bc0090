import CGlareSystem
import COpenBLAS
import Foundation
import Glibc

/// What glared asks a worker zygote for: one worker, by its command-line arguments and environment.
/// The job's log travels beside the message as a descriptor.
public struct ZygoteRequest: Codable, Sendable {
    /// `glare-worker`'s arguments (`--job-dir`, `--job-id`, ...), without the program name.
    public var arguments: [String]
    /// The worker's whole environment.
    public var environment: [String: String]

    /// Creates a request.
    public init(arguments: [String], environment: [String: String]) {
        self.arguments = arguments
        self.environment = environment
    }
}

/// The zygote's answer: the new worker's pid, or why there is none.
public struct ZygoteReply: Codable, Sendable {
    /// The worker's pid, which is also its process group id.
    public var processId: Int32?
    /// Why the worker did not start.
    public var error: String?

    /// Creates a reply.
    public init(processId: Int32?, error: String?) {
        self.processId = processId
        self.error = error
    }
}

/// `glare-worker --zygote`: a worker that has loaded everything once and forks one child per job.
///
/// A job's worker normally pays for its own start: the dynamic linking of Foundation, ICU, dlib
/// and OpenBLAS, and Foundation's first use, about 15 ms of CPU, more than a small job's work.
/// The zygote pays once. glared sends it a `ZygoteRequest` with the job's log attached on a
/// SOCK_SEQPACKET socket (its standard input); the zygote makes the child with
/// `clone(CLONE_PARENT | SIGCHLD)`, so the child's parent is glared itself: glared reaps it,
/// signals its process group and reads its exit status exactly as for a spawned worker. The child
/// takes a process group of its own (glared, its parent, also puts it there the moment it hears
/// the pid, so the group exists before glared could signal it), the job's log as output, default
/// signals and the job's environment, and then runs `WorkerProcess.run`, which drops to the owner
/// first as always.
///
/// Forking is only safe from a single-threaded process, so the zygote uses no Dispatch and no
/// threads, and is started with `OPENBLAS_NUM_THREADS=1` (OpenBLAS starts its threads when it
/// loads); a child whose environment asks for more BLAS threads sets them after the fork.
public enum WorkerZygote {
    /// The largest request accepted.
    static let messageLimit = 1 << 20

    /// The zygote's command line: `glare-worker --zygote` and blank room for a worker's arguments.
    public static let arguments = ["--zygote", String(repeating: " ", count: 2048)]
    /// A variable in the zygote's environment that only makes room for a worker's environment.
    public static let reserveVariable = "GLARE_ZYGOTE_ROOM"
    /// How much room it makes.
    static let reserveLength = 16 * 1024

    /// The zygote's environment: `base`, one BLAS thread, the room, and `LD_BIND_NOW`: the dynamic
    /// linker resolves every symbol once in the zygote, where lazy binding would resolve each one
    /// again in every child (1-2% of a small job's time went to symbol lookups).
    public static func environment(_ base: [String: String]) -> [String: String] {
        var environment = base
        environment["OPENBLAS_NUM_THREADS"] = "1"
        environment["LD_BIND_NOW"] = "1"
        environment[reserveVariable] = String(repeating: "x", count: reserveLength)
        return environment
    }

    /// Serves requests on `socket` until glared closes it; returns the exit status.
    public static func serve(socket: Int32) -> Int32 {
        glare_remember_command_areas(CommandLine.argc, CommandLine.unsafeArgv)
        guard threadCount() == 1 else {
            report("glare-worker --zygote: more than one thread before the first fork; refusing to fork")
            return 3
        }
        warmUp()
        guard threadCount() == 1 else {
            report("glare-worker --zygote: the warm-up left threads behind; refusing to fork")
            return 3
        }

        var buffer = [UInt8](repeating: 0, count: messageLimit)
        while true {
            var log: Int32 = -1
            let count = buffer.withUnsafeMutableBytes { glare_receive_message(socket, $0.baseAddress, $0.count, &log) }
            if count == 0 { return 0 }
            let reply: ZygoteReply
            if count < 0 {
                guard errno == EMSGSIZE else {
                    report("glare-worker --zygote: \(SystemCallError("recvmsg"))")
                    return 1
                }
                reply = ZygoteReply(processId: nil, error: "the request is larger than \(messageLimit) bytes")
            } else {
                reply = startWorker(Data(buffer[0..<count]), log: log)
            }
            if log >= 0 { close(log) }

            guard let encoded = try? JSONEncoder().encode(reply),
                encoded.withUnsafeBytes({ glare_send_message(socket, $0.baseAddress, $0.count, -1) }) == encoded.count
            else {
                report("glare-worker --zygote: cannot answer glared: \(SystemCallError("sendmsg"))")
                return 1
            }
        }
    }

    /// Makes one worker for the request in `data`, its output on `log`.
    private static func startWorker(_ data: Data, log: Int32) -> ZygoteReply {
        guard log >= 0 else { return ZygoteReply(processId: nil, error: "no log descriptor came with the request") }
        let request: ZygoteRequest
        let arguments: WorkerArguments
        do {
            request = try JSONDecoder().decode(ZygoteRequest.self, from: data)
            arguments = try WorkerArguments(parsing: request.arguments)
        } catch {
            return ZygoteReply(processId: nil, error: "bad request: \(error)")
        }

        let pid = glare_clone_sibling()
        if pid == 0 {
            guard glare_sibling_setup(log) == 0 else { _exit(WorkerOutcome.failureExitStatus) }
            let program = CommandLine.arguments.first ?? "glare-worker"
            runChild(arguments, commandLine: [program] + request.arguments, environment: request.environment)
        }
        guard pid > 0 else { return ZygoteReply(processId: nil, error: "\(SystemCallError("clone"))") }
        return ZygoteReply(processId: pid, error: nil)
    }

    /// The child's side: the job's environment, its BLAS threads, then the worker itself.
    private static func runChild(
        _ arguments: WorkerArguments, commandLine: [String], environment: [String: String]
    ) -> Never {
        clearenv()
        for (key, value) in environment { setenv(key, value, 1) }
        // What `ps` and /proc show is the zygote's start-up strings, rewritten here in place (glared
        // gives the zygote room for them: `reserveArgument`, `reserveVariable`).
        let shownArguments = commandLine.map { $0 + "\0" }.joined()
        let shownEnvironment = environment.keys.sorted().map { "\($0)=\(environment[$0]!)\0" }.joined()
        if glare_show_command(shownArguments, shownArguments.utf8.count, shownEnvironment, shownEnvironment.utf8.count)
            != 0
        {
            WorkerProcess.writeLine("glare-worker: the command or environment is too long to show whole in ps")
        }
        if let threads = environment["OPENBLAS_NUM_THREADS"].flatMap({ Int32($0) }), threads > 1 {
            openblas_set_num_threads(threads)
        }
        WorkerProcess.end(WorkerProcess.run(arguments, environment: environment))
    }

    /// Runs one small inference job on a throw-away model in a temporary folder, so the children
    /// find ready what every worker needs and the Swift runtime otherwise works out on first use
    /// in each process: type metadata, protocol conformances, the JSON coders, the model's graph
    /// code. One face makes one batch, which runs on this thread (no Dispatch, no BLAS threads).
    static func warmUp() {
        // A new folder of a unique name (mkdtemp, mode 0700): a name known in advance in a shared
        // /tmp could be taken first by another user, with links in it to write through.
        var template = Array(
            FileManager.default.temporaryDirectory.appendingPathComponent("glare-zygote-XXXXXX").path.utf8CString)
        guard mkdtemp(&template) != nil else {
            report("glare-worker --zygote: no warm-up (workers start slower): \(SystemCallError("mkdtemp"))")
            return
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let folder = URL(fileURLWithPath: path, isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            var generator = SeededGenerator(seed: 1)
            let network = try GlareNetwork(
                configuration: ModelConfiguration(), classCount: 2, generator: &generator)
            let modelURL = folder.appendingPathComponent("model.glare")
            try GlareModel(network: network, classNames: ["calm", "glad"]).save(to: modelURL)

            let count = LandmarkDataset.landmarkCount
            let header = ["X", "Y", "Z"].flatMap { axis in (0..<count).map { "\(axis)_\($0)" } }
            let values = (0..<3 * count).map { index in String(Float(index % count) * (index < count ? 1 : 0.5)) }
            let landmarks = folder.appendingPathComponent("face.csv")
            try (header.joined(separator: ",") + "\n" + values.joined(separator: ",") + "\n")
                .write(to: landmarks, atomically: false, encoding: .utf8)

            let job = JobDirectory(url: folder.appendingPathComponent("job", isDirectory: true))
            let context = JobContext(
                jobId: 0, directory: job, landmarkCacheDirectory: folder.appendingPathComponent("cache"),
                reportProgress: { event in _ = try? WireProtocol.makeEncoder().encode(event) },
                stopRequested: { false }, log: { _ in })
            let spec = JobSpec(kind: .infer, modelPath: modelURL.path, inputs: [landmarks.path])
            _ = try WireProtocol.makeDecoder().decode(JobSpec.self, from: WireProtocol.makeEncoder().encode(spec))
            let outcome = try InferJob.run(spec, context: context)
            _ = try WireProtocol.makeEncoder().encode(outcome)
        } catch {
            report("glare-worker --zygote: the warm-up job failed (workers start slower): \(error)")
        }
    }

    /// The threads of this process, from /proc/self/task.
    private static func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }

    private static func report(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
