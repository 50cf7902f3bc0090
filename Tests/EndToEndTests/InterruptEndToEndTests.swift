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
            let training = try harness.waitForJob(id, timeout: .seconds(180)) {
                $0.state == .running && $0.progress?.phase == "epoch" && ($0.progress?.done ?? 0) >= 1
            }
            let epochsBefore = training.progress?.done ?? 0

            #expect(harness.stop(signal: SIGTERM, timeout: .seconds(60)), "glared did not stop\n\(harness.daemonLog())")
            try harness.start()

            let job = try harness.waitForJob(id, timeout: .seconds(300), pollEvery: 0.5) { $0.state.isFinal }
            #expect(job.state == .succeeded, "\(job)\n\(harness.jobLog(id))\n\(harness.daemonLog())")
            #expect(job.restarts >= 1, "the job was not recorded as interrupted and resumed: \(job)")
            #expect(epochsBefore >= 1)
        }
    }
}
