import Core
import Foundation
import GlareClient
import Glibc
import Testing

extension EndToEnd {
    @Suite("cancel")
    struct CancelEndToEndTests {
        @Test func cancel_ofARunningTraining_endsCancelledAndStopsItsWorker() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            let id = try harness.submit(Trainings.long)
            let running = try harness.waitForJob(id, timeout: .seconds(120)) {
                $0.state == .running && $0.progress != nil
            }
            let workerPid = try #require(running.pid, "a running job must record its worker's pid: \(running)")
            let follower = try harness.launchCtl(["logs", "-f", String(id)])

            let cancel = try harness.ctl(["cancel", String(id)])
            #expect(cancel.status == 0, "\(cancel)")

            // `logs -f` ends with the job, with its outcome as `--follow` does.
            let followed = harness.finish(follower, timeout: .seconds(90))
            #expect(followed.status == ExitStatus.jobFailed.rawValue, "\(followed)")
            #expect(followed.errorOutput.contains("job \(id) cancelled"), "\(followed)")

            let wait = try harness.ctl(["wait", String(id)], timeout: .seconds(90))
            #expect(wait.status == ExitStatus.jobFailed.rawValue, "\(wait)\n\(harness.daemonLog())")
            let job = try harness.show(id)
            #expect(job.state == .cancelled, "\(job)")
            #expect(job.finishedAt != nil)

            // The worker's process must be gone (reaped by the daemon), not left running.
            #expect(kill(workerPid, 0) == -1 && errno == ESRCH, "worker \(workerPid) still exists after cancel")
        }
    }
}
