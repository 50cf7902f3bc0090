import Core
import Foundation
import GlareClient
import Glibc

/// A real glared on a temporary state directory and socket, and the real glarectl to drive it.
///
/// Use it with `defer { harness.stop() }` so the daemon is stopped even when a test fails; its
/// deinit kills a daemon still running as a last resort. The daemon's output goes to
/// `glared.log` in the directory, which failure messages quote.
final class DaemonHarness {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The temporary directory holding the state, the socket and the logs.
    let directory: URL
    /// The daemon's state directory.
    let stateDirectory: URL
    /// The daemon's socket.
    let socketPath: String
    /// The executables' directory.
    let binaries: URL

    /// Lines of a configuration file passed with `--config`; none when empty.
    var configuration: [String] = []
    /// The glared to start, when not the one in `binaries` (a copy beside a stand-in worker).
    var daemonExecutable: URL?

    private var daemon: DaemonProcess?
    private var invocations = 0

    init() throws {
        binaries = try GlareInstallation.binaryDirectory()
        // Socket paths are limited to 107 bytes, so the directory sits directly under /tmp.
        let path = "/tmp/glare-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        directory = URL(fileURLWithPath: path)
        stateDirectory = directory.appendingPathComponent("state")
        socketPath = directory.appendingPathComponent("glared.sock").path
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
    }

    deinit {
        // The daemon's own deinit kills it if it still runs.
        daemon = nil
        if ProcessInfo.processInfo.environment["GLARE_KEEP_E2E"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// The daemon's process id while it runs.
    var daemonProcessIdentifier: Int32? { daemon?.isRunning == true ? daemon?.pid : nil }

    /// Starts glared and waits until it answers a hello on its socket.
    ///
    /// - Parameters:
    ///   - extraArguments: more arguments for glared, such as `--config FILE`.
    ///   - account: runs glared as this user (through `setpriv`) instead of the test's own; such a
    ///     daemon refuses the test's connections, so readiness is then asked with glarectl as that user.
    func start(
        extraArguments: [String] = [], as account: TestAccount? = nil,
        timeout: Duration = .seconds(30)
    ) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        environment.removeValue(forKey: "LISTEN_FDS")
        environment.removeValue(forKey: "LISTEN_PID")
        var executable = (daemonExecutable ?? binaries.appendingPathComponent("glared")).path
        var arguments = ["--state-dir", stateDirectory.path, "--socket", socketPath] + extraArguments
        if !configuration.isEmpty {
            let file = directory.appendingPathComponent("glared.conf")
            try (configuration.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            arguments += ["--config", file.path]
        }
        if let account {
            let command = account.commandLine(executable: executable, arguments: arguments)
            executable = command[0]
            arguments = Array(command.dropFirst())
            environment = account.environment
        }
        let process = try DaemonProcess(
            executable: executable, arguments: arguments, environment: environment,
            logPath: directory.appendingPathComponent("glared.log").path)
        daemon = process

        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                let how = process.termination.map { "\($0)" } ?? "unknown status"
                throw Failure(description: "glared ended (\(how)) before answering\n\(daemonLog())")
            }
            if let account {
                if try ctl(["status"], as: account, timeout: .seconds(10)).status == 0 { return }
            } else if let connection = try? DaemonConnection.open(socketPath: socketPath, timeout: .seconds(2)) {
                connection.close()
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "glared did not answer on \(socketPath) within \(timeout)\n\(daemonLog())")
    }

    /// Stops glared with `signal` (SIGTERM: a clean stop), then SIGKILL after `timeout`.
    ///
    /// - Returns: whether it exited by itself within the timeout.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) -> Bool {
        guard let daemon, daemon.isRunning else { return true }
        kill(daemon.pid, signal)
        let exited = daemon.waitForExit(timeout: timeout)
        if !exited {
            kill(daemon.pid, SIGKILL)
            _ = daemon.waitForExit(timeout: .seconds(10))
        }
        self.daemon = nil
        return exited
    }

    /// Runs glarectl against this daemon and waits for it, killing it after `timeout`.
    ///
    /// With `account` it runs as that user (through `setpriv`, with the user's groups and a clean
    /// environment) and is given the socket with `--socket`.
    func ctl(
        _ arguments: [String], as account: TestAccount? = nil,
        timeout: Duration = .seconds(120)
    ) throws -> CommandResult {
        finish(try launchCtl(arguments, as: account), timeout: timeout)
    }

    /// Waits for a glarectl started with `launchCtl`, killing it after `timeout`, and returns its result.
    func finish(_ running: RunningCtl, timeout: Duration) -> CommandResult {
        let exited = waitForExit(running.process, timeout: timeout)
        if !exited {
            kill(running.process.processIdentifier, SIGKILL)
            _ = waitForExit(running.process, timeout: .seconds(10))
        }
        var result = running.collect()
        if !exited { result.errorOutput += "\n[killed by the test after \(timeout)]" }
        return result
    }

    /// A glarectl run in progress.
    struct RunningCtl {
        let process: Process
        let arguments: [String]
        let outputURL: URL
        let errorURL: URL

        /// Its result, once it has exited.
        func collect() -> CommandResult {
            let status =
                process.terminationReason == .uncaughtSignal
                ? 128 + process.terminationStatus : process.terminationStatus
            return CommandResult(
                arguments: arguments, status: status,
                output: (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "",
                errorOutput: (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "")
        }
    }

    /// Starts glarectl without waiting for it; its output goes to files in the directory.
    func launchCtl(
        _ arguments: [String], as account: TestAccount? = nil
    ) throws -> RunningCtl {
        invocations += 1
        let outputURL = directory.appendingPathComponent("ctl-\(invocations).out")
        let errorURL = directory.appendingPathComponent("ctl-\(invocations).err")
        for url in [outputURL, errorURL] where !FileManager.default.createFile(atPath: url.path, contents: nil) {
            throw Failure(description: "cannot create \(url.path)")
        }

        let process = Process()
        let glarectl = binaries.appendingPathComponent("glarectl")
        if let account {
            let command = account.commandLine(
                executable: glarectl.path, arguments: ["--socket", socketPath] + arguments)
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            process.environment = account.environment
        } else {
            process.executableURL = glarectl
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["GLARE_SOCKET"] = socketPath
            process.environment = environment
        }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningCtl(process: process, arguments: arguments, outputURL: outputURL, errorURL: errorURL)
    }

    /// Submits a job with glarectl and returns its id.
    func submit(_ arguments: [String], as account: TestAccount? = nil) throws -> Int64 {
        let result = try ctl(arguments, as: account)
        guard result.status == 0, let id = Int64(result.trimmedOutput) else {
            throw Failure(description: "submitting failed: \(result)\n\(daemonLog())")
        }
        return id
    }

    /// The job's record from `glarectl show --json`.
    func show(_ id: Int64) throws -> JobRecord {
        try decode(JobRecord.self, from: try ctl(["show", String(id), "--json"]))
    }

    /// Every job from `glarectl list --all --json`.
    func listAll() throws -> [JobRecord] {
        try decode([JobRecord].self, from: try ctl(["list", "--all", "--json"]))
    }

    /// Polls `show` until `condition` holds, failing after `timeout`.
    @discardableResult
    func waitForJob(
        _ id: Int64, timeout: Duration, pollEvery interval: Double = 0.2, until condition: (JobRecord) -> Bool
    ) throws -> JobRecord {
        let deadline = ContinuousClock.now + timeout
        var last: JobRecord?
        while ContinuousClock.now < deadline {
            let job = try show(id)
            if condition(job) { return job }
            last = job
            Thread.sleep(forTimeInterval: interval)
        }
        throw Failure(
            description:
                "job \(id) did not reach the expected condition in \(timeout); last: \(String(describing: last))\n"
                + daemonLog())
    }

    /// The last part of the daemon's output, for failure messages.
    func daemonLog(lastBytes: Int = 4000) -> String {
        let url = directory.appendingPathComponent("glared.log")
        guard let data = try? Data(contentsOf: url) else { return "(no glared.log)" }
        return "--- glared.log (end) ---\n" + String(decoding: data.suffix(lastBytes), as: UTF8.self)
    }

    /// A job's log as the daemon stores it, for failure messages.
    func jobLog(_ id: Int64) -> String {
        (try? ctl(["logs", String(id)], timeout: .seconds(20)).output) ?? "(no log)"
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from result: CommandResult) throws -> Value {
        guard result.status == 0 else { throw Failure(description: "\(result)\n\(daemonLog())") }
        do {
            return try WireProtocol.makeDecoder().decode(type, from: Data(result.output.utf8))
        } catch {
            throw Failure(description: "cannot decode \(Value.self) from \(result): \(error)")
        }
    }

    private func waitForExit(_ process: Process, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }
}
