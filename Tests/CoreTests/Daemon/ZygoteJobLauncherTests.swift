import Foundation
import Glibc
import Testing

@testable import Core

/// Workers forked by a `glare-worker --zygote`: glared's children in groups of their own, with
/// their own environment, and spawned instead when the zygote is gone.
@Suite("Zygote launcher")
struct ZygoteJobLauncherTests {
    static let environment = [
        "PATH": "/usr/bin:/bin", "HOME": "/nonexistent-zygote-home", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
    ]

    /// A job directory holding `spec`, and the request that launches it as job `id`.
    static func request(id: Int64, spec: JobSpec, in folder: URL) throws -> LaunchRequest {
        let directory = JobDirectory(url: folder.appendingPathComponent(String(id), isDirectory: true))
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        try WireProtocol.makeEncoder().encode(spec).write(to: directory.spec)
        let job = JobRecord(
            id: id, spec: spec, owner: getuid(), ownerName: "tester", group: spec.effectiveGroup, priority: 0,
            dependencies: [], state: .running, createdAt: 0, attempt: 1)
        return LaunchRequest(
            job: job, directory: directory, cacheDirectory: folder.appendingPathComponent("cache").path,
            dropsToOwner: false, ownerGroup: getgid(), environment: environment, logMaxBytes: 1 << 20)
    }

    /// An inference job that fails at once: its model does not exist.
    static let failingSpec = JobSpec(kind: .infer, modelPath: "/nonexistent/model.glare", inputs: ["/nonexistent.csv"])

    static func makeFolder() throws -> URL {
        let folder = URL(fileURLWithPath: "/tmp/glare-zygote-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `/proc/<pid>/<name>` as its NUL-separated strings.
    static func procStrings(_ pid: Int32, _ name: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/\(name)"))
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func worker_isOurChildInItsOwnGroupAndShowsItsOwnCommandAndEnvironment() throws {
        let folder = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let launcher = ZygoteJobLauncher(
            workerExecutable: try WorkerProcessTests.workerExecutable(), log: JournalLog(destination: .discard))
        // Long enough to look at while it runs.
        let spec = JobSpec(kind: .train, dataset: "builtin:synthetic?samples=4000", epochs: 50)
        let request = try Self.request(id: 7, spec: spec, in: folder)

        let worker = try launcher.launch(request)
        #expect(launcher.zygoteProcessId != nil, "the worker must come from the zygote, not a spawn")
        #expect(getpgid(worker.processId) == worker.processId)
        let stat = try String(contentsOfFile: "/proc/\(worker.processId)/stat", encoding: .utf8)
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        #expect(fields[1] == Substring(String(getpid())), "the worker's parent must be the launcher's process")

        // The child rewrites the zygote's strings as it starts; until then they are the zygote's.
        var environment: [String] = []
        let deadline = Date(timeIntervalSinceNow: 30)
        repeat {
            environment = try Self.procStrings(worker.processId, "environ")
            if environment.contains("HOME=/nonexistent-zygote-home") { break }
            usleep(10_000)
        } while Date() < deadline
        #expect(environment.contains("HOME=/nonexistent-zygote-home"), "\(environment)")
        #expect(!environment.contains { $0.hasPrefix(WorkerZygote.reserveVariable) }, "\(environment)")
        let command = try Self.procStrings(worker.processId, "cmdline").filter { !$0.allSatisfy { $0 == " " } }
        #expect(command.dropFirst().prefix(4) == ["--job-dir", request.directory.url.path, "--job-id", "7"])

        try launcher.signal(worker, SIGKILL)
        #expect(try launcher.waitForEnd(worker) == .signaled(SIGKILL))
    }

    @Test func launch_whenTheZygoteDied_spawnsTheWorkerInstead() throws {
        let folder = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let launcher = ZygoteJobLauncher(
            workerExecutable: try WorkerProcessTests.workerExecutable(), log: JournalLog(destination: .discard))

        let first = try launcher.launch(try Self.request(id: 1, spec: Self.failingSpec, in: folder))
        #expect(try launcher.waitForEnd(first) == .exited(WorkerOutcome.failureExitStatus))
        let zygote = try #require(launcher.zygoteProcessId)

        kill(zygote, SIGKILL)
        let request = try Self.request(id: 2, spec: Self.failingSpec, in: folder)
        let second = try launcher.launch(request)
        #expect(try launcher.waitForEnd(second) == .exited(WorkerOutcome.failureExitStatus))
        #expect(launcher.zygoteProcessId == nil, "a dead zygote is given up, and reaped")
        let outcome = try WireProtocol.makeDecoder().decode(
            WorkerOutcome.self, from: Data(contentsOf: request.directory.outcome))
        #expect(outcome.state == .failed)
        #expect(try String(contentsOf: request.directory.log, encoding: .utf8).contains("job 2 (infer)"))
    }
}
