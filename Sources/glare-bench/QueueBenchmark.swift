import Core
import Foundation
import GlareClient
import Glibc

/// `glare-bench queue`: trivial-job throughput and submit latency of glared next to task-spooler's.
///
/// glared runs from the same directory as glare-bench on a temporary state directory, with the
/// `infer` group's parallelism at 2 and one BLAS thread a worker. A tiny training makes a model;
/// then `jobs` inference jobs on one single-face landmark CSV are submitted one after the other on
/// one connection (the latency is the submit request's round trip through `DaemonConnection`,
/// which includes the durable commit), and one `wait` covers them all. task-spooler gets the same
/// count of `tsp true` jobs with two slots (`tsp -S 2`) on its own socket; its latency is a whole
/// `tsp` client process, which is how its users submit. So that the two latencies compare like
/// for like, glared's is also measured through a whole `glarectl infer` process for a further
/// `clientSubmits` jobs (at most `jobs`), submitted after the others have ended, so they are not
/// part of the throughput figure. Throughput is jobs over the time from the first submit to the
/// last job's end.
struct QueueBenchmark {
    var jobs = 500
    /// glared's `launcher` setting: `zygote` (its default) or `spawn`.
    var launcher = "zygote"

    init(arguments: [String]) throws {
        var remaining = arguments[...]
        let usage = QueueBenchmarkError("usage: glare-bench queue [--jobs N] [--launcher zygote|spawn]")
        while let option = remaining.popFirst() {
            switch (option, remaining.popFirst()) {
            case ("--jobs", let value?):
                guard let count = Int(value), count > 0 else { throw usage }
                jobs = count
            case ("--launcher", let value?):
                guard value == "zygote" || value == "spawn" else { throw usage }
                launcher = value
            default:
                throw usage
            }
        }
    }

    /// What one queue did.
    struct Figures {
        var name: String
        var submitLatencies: [Double]
        var seconds: Double
        var jobs: Int

        var jobsPerSecond: Double { Double(jobs) / seconds }

        func percentile(_ fraction: Double) -> Double {
            let sorted = submitLatencies.sorted()
            let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
            return sorted[max(0, index)]
        }

        /// The latencies alone, for submits whose jobs are not timed.
        var latencyLine: String {
            String(
                format: "%@: %d submits; submit latency p50 %.2f ms, p99 %.2f ms", name, submitLatencies.count,
                percentile(0.5) * 1000, percentile(0.99) * 1000)
        }

        var line: String {
            String(
                format: "%@: %d jobs in %.2f s = %.1f jobs/s; submit latency p50 %.2f ms, p99 %.2f ms",
                name, jobs, seconds, jobsPerSecond, percentile(0.5) * 1000, percentile(0.99) * 1000)
        }
    }

    func run() throws {
        let directory = URL(fileURLWithPath: "/tmp/glare-bench-queue-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let (glared, client) = try runGlared(in: directory)
        print(glared.line)
        print(client.latencyLine)
        let spooler = try runTaskSpooler(in: directory)
        print(spooler.line)
        print(
            String(
                format:
                    "glared / task-spooler: throughput %.2fx (above 1: glared faster), submit p50 %.2fx, p99 %.2fx (below 1: glared faster)",
                glared.jobsPerSecond / spooler.jobsPerSecond, glared.percentile(0.5) / spooler.percentile(0.5),
                glared.percentile(0.99) / spooler.percentile(0.99)))
    }

    /// Jobs submitted through `glarectl` processes for the like-for-like latency.
    var clientSubmits: Int { min(jobs, 100) }

    /// The in-process figures, and the latencies of submits through `glarectl`.
    private func runGlared(in directory: URL) throws -> (Figures, Figures) {
        let binaries = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .deletingLastPathComponent()
        let configuration = directory.appendingPathComponent("glared.conf")
        let settings = [
            "parallelism.infer = 2", "parallelism.train = 1", "openblas_threads = 1", "log_level = warning",
            "launcher = \(launcher)",
        ]
        try (settings.joined(separator: "\n") + "\n").write(to: configuration, atomically: true, encoding: .utf8)
        let socketPath = directory.appendingPathComponent("glared.sock").path
        let log = open(directory.appendingPathComponent("glared.log").path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard log >= 0 else { throw QueueBenchmarkError("cannot create glared.log in \(directory.path)") }
        defer { close(log) }
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        let pid = try ProcessSpawner.spawn(
            executable: binaries.appendingPathComponent("glared").path,
            arguments: [
                "--state-dir", directory.appendingPathComponent("state").path, "--socket", socketPath,
                "--config", configuration.path,
            ],
            environment: environment, outputFileDescriptor: log)
        defer {
            kill(pid, SIGTERM)
            _ = try? ProcessSpawner.waitForExit(pid)
        }

        var connection: DaemonConnection?
        let deadline = Date(timeIntervalSinceNow: 30)
        while connection == nil && Date() < deadline {
            connection = try? DaemonConnection.open(socketPath: socketPath, timeout: .seconds(3600))
            if connection == nil { usleep(50_000) }
        }
        guard let connection else { throw QueueBenchmarkError("glared did not answer on \(socketPath)") }
        defer { connection.close() }

        let training = try connection.submit(
            JobSpec(
                kind: .train, dataset: "builtin:synthetic?samples=300", epochs: 1,
                options: ["widths0": "16", "widths1": "16", "widths2": "16", "head": "16"]))
        guard try connection.wait(ids: [training.id]).first?.job?.state == .succeeded else {
            throw QueueBenchmarkError("the training that makes the model failed; see \(directory.path)")
        }
        let landmarks = directory.appendingPathComponent("face.csv")
        try landmarkFile().write(to: landmarks, atomically: true, encoding: .utf8)

        let spec = JobSpec(kind: .infer, model: String(training.id), inputs: [landmarks.path])
        var latencies: [Double] = []
        var ids: [Int64] = []
        let started = Date()
        for _ in 0..<jobs {
            let sent = Date()
            ids.append(try connection.submit(spec).id)
            latencies.append(Date().timeIntervalSince(sent))
        }
        let items = try connection.wait(ids: ids)
        let seconds = Date().timeIntervalSince(started)
        let failed = items.filter { $0.job?.state != .succeeded }.count
        guard failed == 0 else { throw QueueBenchmarkError("\(failed) inference jobs did not succeed") }
        // Where the time goes: a job's own run (worker start to recorded end) against the whole.
        let runs = items.compactMap { item in
            item.job.flatMap { job in job.finishedAt.map { $0 - (job.startedAt ?? $0) } }
        }
        print(
            String(
                format: "glared: a job ran %.1f ms on average (worker start to recorded end), over %d jobs",
                runs.reduce(0, +) / Double(max(1, runs.count)) * 1000, runs.count))
        let inProcess = Figures(name: "glared (\(launcher))", submitLatencies: latencies, seconds: seconds, jobs: jobs)

        // The same submit as a user makes it: one `glarectl` process each, its own connection.
        let glarectl = binaries.appendingPathComponent("glarectl").path
        let arguments = ["--socket", socketPath, "infer", "--model", String(training.id), landmarks.path]
        var clientLatencies: [Double] = []
        var clientIds: [Int64] = []
        for _ in 0..<clientSubmits {
            let sent = Date()
            let output = try run(glarectl, arguments, environment: environment, outputFolder: directory.path)
            clientLatencies.append(Date().timeIntervalSince(sent))
            guard let id = output.split(whereSeparator: { !$0.isNumber }).first.flatMap({ Int64($0) }) else {
                throw QueueBenchmarkError("glarectl infer printed no job id: \(output)")
            }
            clientIds.append(id)
        }
        _ = try connection.wait(ids: clientIds)
        let client = Figures(
            name: "glared through glarectl", submitLatencies: clientLatencies, seconds: 0, jobs: clientSubmits)
        return (inProcess, client)
    }

    /// One face of the synthetic set in OpenFace's 3D column names.
    private func landmarkFile() throws -> String {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("glare-bench-cache-\(getpid())")
        defer { try? FileManager.default.removeItem(at: cache) }
        let dataset = try DatasetLoader.load(
            try DatasetSpec(parsing: "builtin:synthetic?samples=10&seed=3"), cacheDirectory: cache)
        let count = LandmarkDataset.landmarkCount
        let header = ["X", "Y", "Z"].flatMap { axis in (0..<count).map { "\(axis)_\($0)" } }
        // The dataset stores x, y, z a landmark; the file wants every X, then every Y, then every Z.
        let values = (0..<3).flatMap { axis in (0..<count).map { String(dataset.landmarks[$0 * 3 + axis]) } }
        return header.joined(separator: ",") + "\n" + values.joined(separator: ",") + "\n"
    }

    private func runTaskSpooler(in directory: URL) throws -> Figures {
        var environment = ProcessInfo.processInfo.environment
        environment["TS_SOCKET"] = directory.appendingPathComponent("tsp.sock").path
        environment["TS_TMPDIR"] = directory.path
        environment["TS_MAXFINISHED"] = String(jobs + 10)
        let spooler = try ["tsp", "ts"].map { "/usr/bin/\($0)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        .unwrapped(or: QueueBenchmarkError("task-spooler is not installed (Debian package task-spooler)"))

        _ = try run(spooler, ["-S", "2"], environment: environment)
        defer { _ = try? run(spooler, ["-K"], environment: environment) }

        var latencies: [Double] = []
        let started = Date()
        for _ in 0..<jobs {
            let sent = Date()
            _ = try run(spooler, ["-n", "true"], environment: environment)
            latencies.append(Date().timeIntervalSince(sent))
        }
        while true {
            let listing = try run(spooler, ["-l"], environment: environment)
            let finished = listing.split(separator: "\n").count { $0.contains(" finished ") }
            if finished >= jobs { break }
            usleep(5_000)
        }
        let seconds = Date().timeIntervalSince(started)
        return Figures(name: "task-spooler", submitLatencies: latencies, seconds: seconds, jobs: jobs)
    }

    /// Runs a command to its end and returns its standard output; a non-zero status is an error.
    ///
    /// The output goes to a file, not a pipe: the first `tsp` forks its server, which keeps the
    /// client's descriptors, so a pipe would never reach its end. `ProcessSpawner` rather than
    /// Foundation's `Process`, whose wait never saw the client exit beside glared's child.
    private func run(
        _ executable: String, _ arguments: [String], environment: [String: String], outputFolder: String? = nil
    ) throws -> String {
        let outputPath = (outputFolder ?? environment["TS_TMPDIR"] ?? "/tmp") + "/command-\(getpid()).out"
        let descriptor = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw QueueBenchmarkError("cannot create \(outputPath)") }
        defer { unlink(outputPath) }
        let pid: Int32
        do {
            defer { close(descriptor) }
            pid = try ProcessSpawner.spawn(
                executable: executable, arguments: arguments, environment: environment,
                outputFileDescriptor: descriptor)
        }
        let termination = try ProcessSpawner.waitForExit(pid)
        guard termination == .exited(0) else {
            throw QueueBenchmarkError("\(executable) \(arguments.joined(separator: " ")): \(termination)")
        }
        return try String(contentsOfFile: outputPath, encoding: .utf8)
    }
}

/// A queue benchmark that could not run.
struct QueueBenchmarkError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

extension Optional {
    fileprivate func unwrapped(or error: QueueBenchmarkError) throws -> Wrapped {
        guard let self else { throw error }
        return self
    }
}
