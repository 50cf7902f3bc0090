import Core
import Foundation
import Glibc
import Testing

extension EndToEnd {
    /// A damaged queue database: glared must refuse it, say what to do, and leave it as it is.
    @Suite("fault injection: database")
    struct FaultInjectionDatabaseTests {
        /// How the database file is damaged.
        enum Damage: String, CaseIterable {
            /// Random bytes over the second half of the file (the header stays valid).
            case corruptPages = "corrupt pages"
            /// Random bytes over the header: not a database at all.
            case corruptHeader = "corrupt header"
            /// Cut to the first one and a half pages, as a copy interrupted half-way would leave it.
            case truncated = "truncated"
        }

        @Test(arguments: Damage.allCases)
        func start_withDamagedDatabase_refusesNamingTheFile_andLeavesItUntouched(damage: Damage) throws {
            let harness = try DaemonHarness()
            try harness.start()
            // Enough jobs for a database of several pages; drained so they stay queued.
            #expect(try harness.ctl(["drain"]).status == 0)
            for index in 0..<40 {
                _ = try harness.submit(
                    Trainings.tiny + ["--name", "job-\(index)-" + String(repeating: "x", count: 90)])
            }
            #expect(harness.stop(), "glared did not stop\n\(harness.daemonLog())")

            let database = harness.stateDirectory.appendingPathComponent("queue.sqlite")
            // A clean stop folds the write-ahead log into the file, so the file alone is the queue.
            let log = try? FileManager.default.attributesOfItem(atPath: database.path + "-wal")[.size] as? Int
            #expect((log ?? 0) == 0, "the write-ahead log still holds \(log ?? 0) bytes after a clean stop")
            for suffix in ["-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: database.path + suffix)
            }
            var bytes = try Data(contentsOf: database)
            try #require(bytes.count >= 4 * 4096, "the database is only \(bytes.count) bytes")
            var generator = SystemRandomNumberGenerator()
            switch damage {
            case .corruptPages:
                for index in (bytes.count / 2)..<bytes.count {
                    bytes[index] = UInt8.random(in: 0...255, using: &generator)
                }
            case .corruptHeader:
                for index in 0..<100 { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
            case .truncated:
                bytes = bytes.prefix(4096 + 2048)
            }
            try bytes.write(to: database)
            let before = try Data(contentsOf: database)

            let logPath = harness.directory.appendingPathComponent("damaged.log").path
            var environment = ProcessInfo.processInfo.environment
            environment["OPENBLAS_NUM_THREADS"] = "1"
            environment.removeValue(forKey: "NOTIFY_SOCKET")
            let daemon = try DaemonProcess(
                executable: harness.binaries.appendingPathComponent("glared").path,
                arguments: ["--state-dir", harness.stateDirectory.path, "--socket", harness.socketPath],
                environment: environment, logPath: logPath)
            let exited = daemon.waitForExit(timeout: .seconds(30))
            let message = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            print(
                "fault injection: database \(damage.rawValue): glared \(daemon.termination.map { "\($0)" } ?? "ran on")"
            )

            #expect(exited, "glared started on a \(damage.rawValue) database\n\(message)")
            if case .exited(let status) = daemon.termination {
                #expect(status != 0, "glared exited 0 on a \(damage.rawValue) database")
            } else {
                Issue.record("glared did not exit normally: \(String(describing: daemon.termination))")
            }
            #expect(message.contains(database.path), "the message does not name the file:\n\(message)")
            #expect(message.contains("move the file aside"), "the message does not say what to do:\n\(message)")
            #expect(try Data(contentsOf: database) == before, "the \(damage.rawValue) database was changed")
        }
    }
}
