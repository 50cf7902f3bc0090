import Foundation
import Glibc
import Testing

@testable import Core
@testable import GlareClient

/// The daemon under bad input and load: random frames, many concurrent clients, retention, reload.
@Suite("Daemon robustness")
struct DaemonRobustnessTests {
    @Test func seededFuzz_randomFramesNeverStopTheDaemon() throws {
        var configuration = DaemonHarness.quickConfiguration()
        // Nothing runs: a fuzzed submit that happens to be valid must not start work.
        configuration.defaultParallelism = 0
        configuration.parallelism = ["train": 0, "infer": 0]
        let harness = try DaemonHarness(configuration: configuration)
        defer { harness.tearDown() }
        var generator = SeededGenerator(seed: 20_251_204)
        let requestSamples: [Data] = try [
            Request.status, .list(all: true), .show(id: 1), .cancel(ids: [1, 2]), .models,
            .submit(spec: JobSpec(kind: .extract, dataset: "builtin:synthetic"), priority: 0, after: []),
        ].map { try FrameEncoder().encode($0) }

        var frames = 0
        for session in 0..<1000 {
            let client = try harness.client()
            for _ in 0..<20 {
                frames += 1
                var bytes: Data
                switch Int.random(in: 0..<4, using: &generator) {
                case 0:
                    // Random bytes with a plausible length prefix.
                    let count = Int.random(in: 0..<64, using: &generator)
                    bytes = Data([0, 0, 0, UInt8(count)])
                    bytes += Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
                case 1:
                    // A valid request with some bytes flipped.
                    bytes = requestSamples.randomElement(using: &generator)!
                    for _ in 0..<Int.random(in: 1...4, using: &generator) {
                        let index = Int.random(in: 4..<bytes.count, using: &generator)
                        bytes[index] = UInt8.random(in: 0...255, using: &generator)
                    }
                case 2:
                    // A huge declared length.
                    bytes = Data([0xff, UInt8.random(in: 0...255, using: &generator), 0, 0])
                default:
                    bytes = requestSamples.randomElement(using: &generator)!
                }
                do {
                    try client.sendRaw(bytes)
                    _ = try client.readFrame()
                } catch {
                    break  // the daemon closed this connection, as it may
                }
            }
            client.connection.close()
            if session % 100 == 0 {
                guard case .status = try harness.client().request(.status) else {
                    Issue.record("the daemon stopped answering after \(frames) frames")
                    return
                }
            }
        }
        guard case .status = try harness.client().request(.status) else {
            Issue.record("the daemon stopped answering after \(frames) frames")
            return
        }
        // Each session sends until the daemon closes it, so at least one frame each.
        #expect(frames >= 1000)
        print("fuzzed the daemon with \(frames) frames in 1000 connections")
    }

    @Test func concurrentSubmissions_fromTwentyClients_storeEveryJobOnce() throws {
        var configuration = DaemonHarness.quickConfiguration()
        configuration.defaultParallelism = 0
        let harness = try DaemonHarness(configuration: configuration)
        defer { harness.tearDown() }
        let failures = ThreadSafeList<String>()
        let ids = ThreadSafeList<Int64>()

        runOnThreads(count: 20) { thread in
            do {
                let client = try harness.client()
                for index in 0..<50 {
                    let spec = JobSpec(kind: .extract, dataset: "builtin:synthetic", name: "t\(thread)-\(index)")
                    switch try client.request(.submit(spec: spec, priority: 0, after: [])) {
                    case .submitted(let job): ids.append(job.id)
                    case let other: failures.append("\(other)")
                    }
                }
            } catch {
                failures.append("\(error)")
            }
        }
        #expect(failures.elements.isEmpty, "\(failures.elements.prefix(3))")
        #expect(Set(ids.elements).count == 1000)
        let stored = try harness.daemon.store.list(includeFinished: true)
        #expect(stored.count == 1000)
        #expect(Set(stored.compactMap(\.spec.name)).count == 1000)
    }

    @Test func retention_removesOldFinishedJobsAndTheirDirectories() throws {
        var configuration = DaemonHarness.quickConfiguration()
        configuration.retentionCount = 1
        let harness = try DaemonHarness(configuration: configuration)
        defer { harness.tearDown() }
        try harness.script("quick", "echo done")
        let client = try harness.client()
        let first = try client.submit(name: "quick")
        #expect(try harness.eventually { try client.show(first.id).state == .succeeded })
        let second = try client.submit(name: "quick")
        #expect(try harness.eventually { try client.show(second.id).state == .succeeded })

        // The sweep runs at most once a minute; let the next pass run now.
        harness.daemon.runtime.withLock { $0.lastRetentionSweep = 0 }
        harness.daemon.schedulerWake.notify()
        let firstDirectory = harness.daemon.files.directory(of: first.id).url.path
        #expect(
            try harness.eventually {
                try harness.daemon.store.job(id: first.id) == nil
                    && !FileManager.default.fileExists(atPath: firstDirectory)
            })
        #expect(try harness.daemon.store.job(id: second.id) != nil)
    }

    @Test func landmarkCaches_areSweptSoonAfterTheStart_keepingRecordsStillInUse() throws {
        let directory = URL(fileURLWithPath: "/tmp/glare-daemon-\(UUID().uuidString.prefix(8))", isDirectory: true)
        let records = directory.appendingPathComponent("state/cache/\(getuid())/landmarks/landmarks-v1/ab")
        try FileManager.default.createDirectory(at: records, withIntermediateDirectories: true)
        let unused = records.appendingPathComponent("ab01.json")
        let used = records.appendingPathComponent("ab02.json")
        try Data("{}".utf8).write(to: unused)
        try Data("{}".utf8).write(to: used)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -91 * 86_400)], ofItemAtPath: unused.path)

        let harness = try DaemonHarness(directory: directory)
        defer { harness.tearDown() }

        #expect(harness.eventually { !FileManager.default.fileExists(atPath: unused.path) })
        #expect(FileManager.default.fileExists(atPath: used.path))
    }

    @Test func reload_appliesTheNewFileAndKeepsTheOldOneWhenBad() throws {
        let directory = URL(fileURLWithPath: "/tmp/glare-reload-\(UUID().uuidString.prefix(8))", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("glared.conf")
        try "parallelism.train = 1\n".write(to: file, atomically: true, encoding: .utf8)

        let daemon = try Daemon(
            options: DaemonOptions(
                stateDirectory: directory.appendingPathComponent("state"),
                socketPath: directory.appendingPathComponent("s.sock").path,
                configuration: try DaemonConfiguration.load(path: file.path, required: true),
                launcher: LocalJobLauncher(workerExecutable: "/bin/false"), log: JournalLog(destination: .discard),
                configurationFile: (file.path, true), environment: [:], notifiesSystemd: false))
        try daemon.start()
        defer { daemon.stop() }

        try "parallelism.train = 3\ngrace_seconds = 5\n".write(to: file, atomically: true, encoding: .utf8)
        try daemon.reload()
        #expect(daemon.configuration.parallelism["train"] == 3)
        #expect(daemon.configuration.graceSeconds == 5)

        try "parallelism.train = lots\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try daemon.reload() }
        #expect(daemon.configuration.parallelism["train"] == 3)

        // The `reload` request answers only once the file is read, with what is now in force or
        // with the file's error; `systemctl reload` runs it (ExecReload), so it waits too.
        let connection = try DaemonConnection.open(socketPath: directory.appendingPathComponent("s.sock").path)
        defer { connection.close() }
        #expect {
            try connection.reload()
        } throws: { error in
            guard case ClientError.errorReply(let reply) = error else { return false }
            return reply.code == .invalidConfiguration && reply.message.contains("glared.conf:1")
        }
        try "parallelism.train = 2\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try connection.reload().parallelism["train"] == 2)
        #expect(daemon.configuration.parallelism["train"] == 2)
    }

    @Test func connectionLimits_comeFromTheConfiguration_andSilentConnectionsCloseAfterIdleSeconds() throws {
        var configuration = DaemonHarness.quickConfiguration()
        configuration.maxConnections = 2
        configuration.idleSeconds = 1
        let harness = try DaemonHarness(configuration: configuration)
        defer { harness.tearDown() }

        let first = try DaemonConnection.open(socketPath: harness.socketPath)
        let second = try DaemonConnection.open(socketPath: harness.socketPath)
        defer { [first, second].forEach { $0.close() } }
        do {
            _ = try DaemonConnection.open(socketPath: harness.socketPath)
            Issue.record("a third connection was served with max_connections = 2")
        } catch {
            guard case .errorReply(let reply) = error else { throw error }
            #expect(reply.code == .busy)
            #expect(reply.message.contains("2 connections at most"), "\(reply.message)")
        }

        // Both stay silent past idle_seconds: the daemon closes them and has room again.
        let admitted = harness.eventually(timeout: 5) {
            guard let connection = try? DaemonConnection.open(socketPath: harness.socketPath) else { return false }
            defer { connection.close() }
            return (try? connection.status()) != nil
        }
        #expect(admitted, "the silent connections were not closed after idle_seconds")
        #expect(throws: ClientError.self) { try first.status() }
    }

    @Test func list_largerThanOneFrame_comesInPagesThatTheClientReadsWhole() throws {
        var configuration = DaemonHarness.quickConfiguration()
        configuration.defaultParallelism = 0
        let harness = try DaemonHarness(configuration: configuration)
        defer { harness.tearDown() }
        // About 2.1 KB a record: 600 of them exceed the 1 MiB frame.
        let longName = String(repeating: "n", count: 2000)
        var limits = SchedulingLimits()
        limits.maxQueuedPerUser = nil
        for index in 0..<600 {
            let spec = JobSpec(kind: .extract, dataset: "builtin:synthetic", name: "\(index)-\(longName)")
            let job = try harness.daemon.store.submit(
                spec: spec, owner: getuid(), ownerName: "test", priority: 0, dependencies: [], limits: limits)
            if index < 590 { try harness.daemon.store.cancel(id: job.id) }
        }

        guard case .jobs(let firstPage, let more) = try harness.client().request(.list(all: true)) else {
            Issue.record("list did not answer with jobs")
            return
        }
        #expect(firstPage.count < 600 && firstPage.count > 300)
        #expect(firstPage.map(\.id) == Array(1...Int64(firstPage.count)))
        #expect(more)

        guard case .jobs(let limited, let moreAfterLimit) = try harness.client().request(.list(all: true, limit: 7))
        else { return }
        #expect(limited.map(\.id) == Array(1...7))
        #expect(moreAfterLimit)

        let whole = try DaemonConnection.open(socketPath: harness.socketPath).list(all: true)
        #expect(whole.map(\.id) == Array(1...600))
        #expect(whole.filter { $0.state == .queued }.count == 10)
        let waiting = try DaemonConnection.open(socketPath: harness.socketPath).list(all: false)
        #expect(waiting.map(\.id) == Array(591...600))
    }

    @Test func cancel_ofMoreIdsThanOneReplyHolds_actsOnEveryIdAndAnswersForEach() throws {
        var configuration = DaemonHarness.quickConfiguration()
        configuration.defaultParallelism = 0
        let harness = try DaemonHarness(configuration: configuration)
        defer { harness.tearDown() }
        let connection = try DaemonConnection.open(socketPath: harness.socketPath)
        let first = try connection.submit(JobSpec(kind: .extract, dataset: "builtin:synthetic"))
        let second = try connection.submit(JobSpec(kind: .extract, dataset: "builtin:synthetic"))
        // With a job record for each, 20,000 answers would not fit one frame.
        let ids = [first.id] + Array(100_000..<120_000) + [second.id]

        let items = try connection.cancel(ids: ids)

        #expect(items.map(\.id) == ids)
        #expect(items.first?.job?.state == .cancelled)
        #expect(items.last?.job?.state == .cancelled)
        #expect(items.dropFirst().dropLast().allSatisfy { $0.job == nil })
    }

    @Test func dependency_onFailedJob_failsAtOnceNamingTheParent() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("bad", "exit 1")
        try harness.script("child", "echo never")
        let client = try harness.client()
        let parent = try client.submit(name: "bad")
        let child = try client.submit(name: "child", after: [parent.id])
        guard case .batch(let items) = try client.request(.wait(ids: [child.id])) else { return }
        #expect(items.first?.job?.state == .failed)
        #expect(items.first?.job?.reason == "dependency \(parent.id) failed")
    }
}
