import Core
import Foundation
import GlareClient
import Testing

extension EndToEnd {
    @Suite("restart")
    struct RestartEndToEndTests {
        @Test func restart_keepsEveryJob_andRunsTheQueuedOnes() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            let succeeded = try harness.submit(Trainings.tiny)
            let failed = try Trainings.failing(in: harness, after: succeeded)
            let finished = try harness.ctl(["wait", String(succeeded), String(failed)], timeout: .seconds(300))
            #expect(finished.status == ExitStatus.jobFailed.rawValue, "\(finished)")

            // With the daemon drained, a new job stays queued across the restart.
            let drain = try harness.ctl(["drain"])
            #expect(drain.status == 0, "\(drain)")
            let queued = try harness.submit(Trainings.tiny + ["--name", "after-restart"])
            let cancelled = try harness.submit(Trainings.tiny)
            #expect(try harness.ctl(["cancel", String(cancelled)]).status == 0)

            let before = try harness.listAll().sorted { $0.id < $1.id }
            #expect(before.map(\.id) == [succeeded, failed, queued, cancelled])
            #expect(harness.stop(), "glared did not stop on SIGTERM\n\(harness.daemonLog())")

            try harness.start()
            let after = try harness.listAll().sorted { $0.id < $1.id }
            #expect(after.map(\.id) == before.map(\.id))
            for (old, new) in zip(before, after) {
                #expect(new.spec == old.spec && new.createdAt == old.createdAt && new.owner == old.owner)
                if old.state.isFinal {
                    #expect(new == old, "a finished job changed across the restart")
                } else {
                    #expect(!new.state.isFinal || new.id == queued, "job \(new.id) is \(new.state) after restart")
                }
            }

            // Whether or not the drain outlived the restart, resume and the queued job runs.
            _ = try harness.ctl(["resume"])
            let wait = try harness.ctl(["wait", String(queued)], timeout: .seconds(300))
            #expect(wait.status == 0, "\(wait)\n\(harness.jobLog(queued))")
        }
    }
}
