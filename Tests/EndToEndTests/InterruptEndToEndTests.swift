import Core
import Foundation
import Testing

extension EndToEnd {
    @Suite("interrupt")
    struct InterruptEndToEndTests {
        @Test func sigterm_duringTraining_thenRestart_resumesAndFinishes_andClientsFollowAcrossIt() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            let id = try harness.submit(Trainings.interruptible)
            // Two epochs done, so a run that started over would show an epoch below the one reached.
            let training = try harness.waitForJob(id, timeout: .seconds(180)) {
                $0.state == .running && $0.progress?.phase == "epoch" && ($0.progress?.done ?? 0) >= 2
            }
            let epochsBefore = training.progress?.done ?? 0
            // Clients already waiting and following reconnect to the restarted daemon and carry on.
            let waiter = try harness.launchCtl(["wait", String(id)])
            let follower = try harness.launchCtl(["logs", "-f", String(id)])
            Thread.sleep(forTimeInterval: 0.5)

            #expect(harness.stop(signal: SIGTERM, timeout: .seconds(60)), "glared did not stop\n\(harness.daemonLog())")
            try harness.start()

            // Every epoch seen after the restart; a run that started over would pass through epoch 1.
            var epochsSeenAfterRestart: [Int] = []
            let job = try harness.waitForJob(id, timeout: .seconds(300), pollEvery: 0.2) { job in
                if job.progress?.phase == "epoch", let done = job.progress?.done { epochsSeenAfterRestart.append(done) }
                return job.state.isFinal
            }
            #expect(job.state == .succeeded, "\(job)\n\(harness.jobLog(id))\n\(harness.daemonLog())")
            #expect(job.restarts >= 1, "the job was not recorded as interrupted and resumed: \(job)")
            #expect(!epochsSeenAfterRestart.isEmpty, "no epoch progress seen after the restart")
            #expect(
                (epochsSeenAfterRestart.min() ?? 0) >= epochsBefore,
                "epochs seen after the restart: \(epochsSeenAfterRestart); reached before it: \(epochsBefore)")

            let waited = harness.finish(waiter, timeout: .seconds(60))
            #expect(waited.status == 0 && waited.trimmedOutput == "\(id) succeeded", "\(waited)")
            let followed = harness.finish(follower, timeout: .seconds(60))
            let wholeLog = try harness.ctl(["logs", String(id)])
            #expect(followed.status == 0, "\(followed)")
            #expect(followed.output == wholeLog.output, "the followed log lost or repeated bytes across the restart")
        }
    }
}
