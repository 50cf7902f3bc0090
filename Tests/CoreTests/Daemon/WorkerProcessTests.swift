import Foundation
import Glibc
import Testing

@testable import Core

/// The real `glare-worker` executable: arguments, outcome file, exit status, log cap, identity.
@Suite("Worker process")
struct WorkerProcessTests {
    /// The built worker; the tests need `swift build` (or `swift build --build-tests`) first.
    static func workerExecutable() throws -> String {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory = directory.deletingLastPathComponent()
        }
        let path = directory.appendingPathComponent(".build/debug/glare-worker").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ClientProblem("\(path) is missing: run `swift build --build-tests` before the tests")
        }
        return path
    }

    /// Runs the worker on `directory` and returns its termination and log.
    func runWorker(_ arguments: [String], directory: URL) throws -> (ProcessTermination, String) {
        let logPath = directory.appendingPathComponent("log").path
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        #expect(log >= 0)
        defer { close(log) }
        let pid = try ProcessSpawner.spawn(
            executable: try Self.workerExecutable(), arguments: arguments,
            environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "OPENBLAS_NUM_THREADS": "1"],
            outputFileDescriptor: log)
        let termination = try ProcessSpawner.waitForExit(pid)
        return (termination, (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
    }

    func makeJobDirectory() throws -> URL {
        let directory = URL(fileURLWithPath: "/tmp/glare-worker-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func missingSpec_failsWithAnOutcomeAndExitStatusOne() throws {
        let directory = try makeJobDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let (termination, log) = try runWorker(
            [
                "--job-dir", directory.path, "--job-id", "7", "--cache-dir",
                directory.appendingPathComponent("cache").path,
            ],
            directory: directory)
        #expect(termination == .exited(1))
        let outcome = try WireProtocol.makeDecoder().decode(
            WorkerOutcome.self, from: Data(contentsOf: directory.appendingPathComponent("outcome.json")))
        #expect(outcome.state == .failed)
        #expect(outcome.reason?.contains("cannot prepare the job") == true)
        #expect(log.contains("cannot prepare the job"))
    }

    @Test func logMaxBytes_capsStandardOutputAndSaysSo() throws {
        let directory = try makeJobDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let (termination, log) = try runWorker(
            ["--job-dir", directory.path, "--job-id", "7", "--log-max-bytes", "20"], directory: directory)
        #expect(termination == .exited(1))
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.utf8.count == 20, "log: \(log)")
        #expect(log.contains("the log reached log_max_bytes (20 bytes)"))
        #expect(!log.contains("cannot prepare the job"))
    }

    @Test func badArguments_exitTwo() throws {
        let directory = try makeJobDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (termination, log) = try runWorker(["--job-id", "x"], directory: directory)
        #expect(termination == .exited(2))
        #expect(log.contains("glare-worker:"))
    }

    @Test func uid_dropsToTheOwnerBeforeTouchingTheJob() throws {
        guard getuid() == 0 else {
            print("skipped: dropping to another user needs root")
            return
        }
        let nobody: UInt32 = 65534
        let directory = try makeJobDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(chown(directory.path, nobody, nobody) == 0)
        #expect(chmod(directory.path, 0o700) == 0)
        let spec = JobSpec(kind: .evaluate, dataset: "builtin:synthetic", modelPath: "/nonexistent/model.glare")
        try WireProtocol.makeEncoder().encode(spec).write(to: directory.appendingPathComponent("spec.json"))
        #expect(chown(directory.appendingPathComponent("spec.json").path, nobody, nobody) == 0)

        let (_, log) = try runWorker(
            [
                "--job-dir", directory.path, "--job-id", "9", "--uid", String(nobody), "--gid", String(nobody),
                "--cache-dir", directory.appendingPathComponent("cache").path,
            ],
            directory: directory)
        #expect(log.contains("starts as uid \(nobody)"), "log: \(log)")
        var status = stat()
        #expect(stat(directory.appendingPathComponent("results").path, &status) == 0)
        #expect(status.st_uid == nobody)
    }

    @Test func uid_whenTheDropFails_runsNothing() throws {
        guard getuid() == 0 else {
            print("skipped: needs root to attempt the drop")
            return
        }
        let directory = try makeJobDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // No account has this uid, so initgroups cannot be called for it.
        let (termination, log) = try runWorker(
            ["--job-dir", directory.path, "--job-id", "9", "--uid", "3999999", "--gid", "3999999"], directory: directory
        )
        #expect(termination == .exited(1))
        #expect(log.contains("cannot become uid 3999999"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("results").path))
    }

    @Test func arguments_parse() throws {
        let parsed = try WorkerArguments(parsing: [
            "--job-dir", "/j", "--job-id", "4", "--uid", "1000", "--gid", "100", "--log-max-bytes", "4096",
        ])
        #expect(parsed == WorkerArguments(jobDirectory: "/j", jobId: 4, uid: 1000, gid: 100, logMaxBytes: 4096))
        #expect(throws: ConfigurationError.self) {
            _ = try WorkerArguments(parsing: ["--job-dir", "/j", "--job-id", "4", "--uid", "1000"])
        }
        let cache = WorkerProcess.cacheDirectory(
            WorkerArguments(jobDirectory: "/j", jobId: 1), environment: ["HOME": "/home/ada"])
        #expect(cache.path == "/home/ada/.cache/glare/landmarks")
        let xdg = WorkerProcess.cacheDirectory(
            WorkerArguments(jobDirectory: "/j", jobId: 1), environment: ["HOME": "/home/ada", "XDG_CACHE_HOME": "/c"])
        #expect(xdg.path == "/c/glare/landmarks")
    }
}
