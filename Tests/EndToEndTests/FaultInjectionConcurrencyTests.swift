import Core
import Foundation
import Glibc
import Synchronization
import Testing

extension EndToEnd {
    /// Many clients submitting at once.
    @Suite("fault injection: concurrent submissions")
    struct FaultInjectionConcurrencyTests {
        static let clients = 20
        static let submissionsPerClient = 50

        /// Twenty threads, each running fifty real glarectl processes one after the other (1,000
        /// processes in all), every one its own connection.
        @Test func thousandSubmissions_fromTwentyConcurrentGlarectls_storeEachJobExactlyOnce() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }
            // Drained, so the daemon only stores the jobs and the count is of submissions alone.
            #expect(try harness.ctl(["drain"]).status == 0)

            var inherited = ProcessInfo.processInfo.environment
            inherited["GLARE_SOCKET"] = harness.socketPath
            let environment = inherited
            let directory = harness.directory
            let glarectl = harness.binaries.appendingPathComponent("glarectl").path
            let failures = Mutex<[String]>([])
            let started = ContinuousClock.now
            DispatchQueue.concurrentPerform(iterations: Self.clients) { client in
                let output = directory.appendingPathComponent("client-\(client).out").path
                let descriptor = open(output, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else {
                    failures.withLock { $0.append("client \(client): cannot open \(output)") }
                    return
                }
                defer { close(descriptor) }
                for index in 0..<Self.submissionsPerClient {
                    let arguments = Trainings.tiny + ["--name", "c\(client)-\(index)"]
                    do {
                        let pid = try ProcessSpawner.spawn(
                            executable: glarectl, arguments: arguments, environment: environment,
                            outputFileDescriptor: descriptor)
                        let termination = try ProcessSpawner.waitForExit(pid)
                        if termination != .exited(0) {
                            failures.withLock { $0.append("client \(client) job \(index): \(termination)") }
                        }
                    } catch {
                        failures.withLock { $0.append("client \(client) job \(index): \(error)") }
                    }
                }
            }
            let elapsed = ContinuousClock.now - started

            var printedIds: [Int64] = []
            var strayLines: [String] = []
            for client in 0..<Self.clients {
                let text = try String(
                    contentsOf: harness.directory.appendingPathComponent("client-\(client).out"), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    if let id = Int64(line) { printedIds.append(id) } else { strayLines.append(String(line)) }
                }
            }
            let jobs = try harness.listAll()
            let names = jobs.compactMap(\.spec.name)
            let failed = failures.withLock { $0 }
            print(
                "fault injection: \(Self.clients) concurrent clients submitted "
                    + "\(Self.clients * Self.submissionsPerClient) jobs in \(elapsed); rows found \(jobs.count), "
                    + "distinct ids printed \(Set(printedIds).count), failed submissions \(failed.count)")

            #expect(failed.isEmpty, "\(failed.count) failed submissions, the first: \(failed.prefix(5))")
            #expect(strayLines.isEmpty, "\(strayLines.count) unexpected lines, the first: \(strayLines.prefix(5))")
            #expect(!strayLines.contains { $0.lowercased().contains("locked") }, "a client saw a lock error")
            #expect(!harness.daemonLog(lastBytes: 1 << 20).lowercased().contains("database is locked"))
            #expect(printedIds.count == 1000 && Set(printedIds).count == 1000, "\(printedIds.count) ids printed")
            #expect(jobs.count == 1000, "rows found: \(jobs.count)")
            #expect(Set(jobs.map(\.id)) == Set(printedIds), "the stored ids are not the printed ones")
            #expect(Set(names).count == 1000 && names.count == 1000, "duplicate or missing names: \(names.count)")
        }
    }
}
