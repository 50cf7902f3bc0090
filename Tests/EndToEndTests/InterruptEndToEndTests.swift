import Core
import Foundation
import Testing

extension EndToEnd {
    @Suite("interrupt")
    struct InterruptEndToEndTests {
        @Test func sigterm_duringTraining_thenRestart_resumesAndFinishes() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            let id = try harness.submit(Trainings.interruptible)
            // Two epochs done, so a run that started over would show an epoch below the one reached.
            let training = try harness.waitForJob(id, timeout: .seconds(180)) {
                $0.state == .running && $0.progress?.phase == "epoch" && ($0.progress?.done ?? 0) >= 2
            }
            let epochsBefore = training.progress?.done ?? 0

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
        }
    }
}
