import Foundation
import Glibc

@testable import Core

/// An in-process daemon on a temporary directory and socket, whose "worker" is a shell script.
///
/// The daemon is real (store, socket, scheduler, supervision, `LocalJobLauncher`), but the worker
/// executable is `fake-worker`, a shell script that runs `<scripts>/<spec.name>.sh <job dir>`, so
/// a test decides what each job does: exit with a status, ignore SIGTERM, write events, sleep.
final class DaemonHarness: Sendable {
    let directory: URL
    let stateDirectory: URL
    let socketPath: String
    let scriptsDirectory: URL
    let configuration: DaemonConfiguration
    let daemon: Daemon

    /// Creates the directories and the fake worker, and starts a daemon.
    ///
    /// - Parameter workerExecutable: a real worker to use instead of the fake one.
    init(
        configuration: DaemonConfiguration = DaemonHarness.quickConfiguration(), directory: URL? = nil,
        workerExecutable: String? = nil
    ) throws {
        let directory =
            directory ?? URL(fileURLWithPath: "/tmp/glare-daemon-\(UUID().uuidString.prefix(8))", isDirectory: true)
        self.directory = directory
        stateDirectory = directory.appendingPathComponent("state", isDirectory: true)
        socketPath = directory.appendingPathComponent("glared.sock").path
        scriptsDirectory = directory.appendingPathComponent("scripts", isDirectory: true)
        self.configuration = configuration
        try FileManager.default.createDirectory(at: scriptsDirectory, withIntermediateDirectories: true)

        let worker = directory.appendingPathComponent("fake-worker").path
        if !FileManager.default.fileExists(atPath: worker) {
            let script = """
                #!/bin/sh
                # Stands in for glare-worker: runs the test's script named by the spec's name.
                dir="$2"
                name=$(sed -n 's/.*"name":"\\([^"]*\\)".*/\\1/p' "$dir/spec.json")
                exec /bin/sh "$GLARE_TEST_SCRIPTS/$name.sh" "$dir"

                """
            try script.write(toFile: worker, atomically: true, encoding: .utf8)
            chmod(worker, 0o755)
        }
        let options = DaemonOptions(
            stateDirectory: stateDirectory, socketPath: socketPath, configuration: configuration,
            launcher: LocalJobLauncher(workerExecutable: workerExecutable ?? worker),
            log: JournalLog(destination: .discard),
            environment: ["GLARE_TEST_SCRIPTS": scriptsDirectory.path, "LANG": "C.UTF-8"], notifiesSystemd: false)
        daemon = try Daemon(options: options)
        try daemon.start()
    }

    /// Short grace and restart settings so tests run quickly.
    static func quickConfiguration() -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        configuration.graceSeconds = 1
        return configuration
    }

    /// Writes the script a job named `name` runs; `$1` is the job directory.
    func script(_ name: String, _ body: String) throws {
        try ("#!/bin/sh\n" + body + "\n").write(
            to: scriptsDirectory.appendingPathComponent("\(name).sh"), atomically: true, encoding: .utf8)
    }

    /// A daemon on the same directory after this one stopped (a restart).
    func restarted(configuration: DaemonConfiguration? = nil) throws -> DaemonHarness {
        try DaemonHarness(configuration: configuration ?? self.configuration, directory: directory)
    }

    /// A connected client that has exchanged hellos.
    func client() throws -> RawClient {
        let client = try RawClient(path: socketPath)
        try client.helloExchange()
        return client
    }

    /// The job's log so far ("" before it exists).
    func log(of id: Int64) throws -> String {
        let url = daemon.files.directory(of: id).log
        guard FileManager.default.fileExists(atPath: url.path) else { return "" }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Stops the daemon and deletes the directory.
    func tearDown() {
        daemon.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Polls `condition` every 50 ms for up to `timeout` seconds.
    func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }
}

/// A client that speaks raw frames, to drive the daemon exactly, malformed frames included.
final class RawClient {
    let connection: SocketConnection
    private var decoder = FrameDecoder()
    private let encoder = FrameEncoder()

    init(path: String) throws {
        connection = try SocketConnection.connect(toPath: path)
    }

    /// A client on one end of a connected pair (the other end given to the daemon's code directly).
    init(adopting connection: SocketConnection) {
        self.connection = connection
    }

    /// Sends a hello and reads the daemon's.
    func helloExchange() throws {
        try send(Hello(software: "test"))
        guard let payload = try readFrame() else { throw ClientProblem("no hello from the daemon") }
        _ = try Hello.read(from: payload)
    }

    func send<Message: Encodable>(_ message: Message) throws {
        try connection.write(try encoder.encode(message))
    }

    func sendRaw(_ bytes: Data) throws {
        try connection.write(bytes)
    }

    /// The next frame, or nil when the daemon closed the connection.
    func readFrame() throws -> Data? {
        while true {
            if let frame = try decoder.nextFrame() { return frame }
            let result = Result { () throws(SystemCallError) -> [UInt8] in try connection.read() }
            if case .failure(let error) = result, error.code == ECONNRESET { return nil }
            let bytes = try result.get()
            if bytes.isEmpty { return nil }
            decoder.feed(bytes)
        }
    }

    /// The next reply, or nil when the daemon closed the connection.
    func readReply() throws -> Reply? {
        guard let payload = try readFrame() else { return nil }
        return try FrameDecoder.decode(Reply.self, from: payload)
    }

    /// Sends `request` and reads one reply.
    func request(_ request: Request) throws -> Reply {
        try send(request)
        guard let reply = try readReply() else { throw ClientProblem("the daemon closed the connection") }
        return reply
    }

    /// Submits a job that runs the script `name` and returns its record.
    func submit(name: String, kind: JobKind = .extract, priority: Int = 0, after: [Int64] = []) throws -> JobRecord {
        let spec = JobSpec(kind: kind, dataset: "builtin:synthetic", name: name)
        guard case .submitted(let job) = try request(.submit(spec: spec, priority: priority, after: after)) else {
            throw ClientProblem("submit was refused")
        }
        return job
    }

    func show(_ id: Int64) throws -> JobRecord {
        guard case .job(let job) = try request(.show(id: id)) else { throw ClientProblem("show \(id) failed") }
        return job
    }

    /// Reads a log stream to its end: the bytes and the final state.
    func readLogStream() throws -> (Data, JobState) {
        var log = Data()
        while let reply = try readReply() {
            switch reply {
            case .logChunk(let data, _): log.append(data)
            case .logEnd(let state): return (log, state)
            default: throw ClientProblem("unexpected reply in a log stream: \(reply)")
            }
        }
        throw ClientProblem("the log stream ended without logEnd")
    }
}

struct ClientProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
