import Core
import Foundation
import Testing

extension EndToEnd {
    /// The queue refuses to record a job's end for a while (a trigger planted in the database
    /// stands in for a failing disk): the job must stay `running`, not be forgotten, and be
    /// recorded as soon as the database takes writes again, without a restart.
    @Suite("fault injection: unrecorded end")
    struct FaultInjectionUnrecordedEndTests {
        @Test func jobEnd_thatTheQueueRefuses_isRetried_andRecordedOnceItAccepts() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            let id = try harness.submit(Trainings.tiny + ["--name", "ends while the queue refuses"])
            try harness.waitForJob(id, timeout: .seconds(60)) { $0.state == .running }

            let database = try Database(path: harness.stateDirectory.appendingPathComponent("queue.sqlite").path)
            try database.setBusyTimeout(milliseconds: 10_000)
            try database.execute(
                """
                CREATE TRIGGER refuse_success BEFORE UPDATE OF state ON jobs WHEN NEW.state = 'succeeded'
                BEGIN SELECT RAISE(ABORT, 'injected: the queue refuses this change'); END
                """)

            // The worker ends; its success cannot be stored.
            let deadline = ContinuousClock.now + .seconds(90)
            while !harness.daemonLog(lastBytes: 1 << 20).contains("cannot record a job's end; retrying"),
                ContinuousClock.now < deadline
            {
                Thread.sleep(forTimeInterval: 0.2)
            }
            let refusedLog = harness.daemonLog(lastBytes: 1 << 20)
            try #require(refusedLog.contains("cannot record a job's end; retrying"), "\(refusedLog)")
            Thread.sleep(forTimeInterval: 1.5)
            let waiting = try harness.show(id)
            #expect(waiting.state == .running, "the job's end was lost or guessed: \(waiting)")
            #expect(harness.daemonProcessIdentifier != nil, "glared died\n\(refusedLog)")

            try database.execute("DROP TRIGGER refuse_success")
            let recorded = try harness.waitForJob(id, timeout: .seconds(10)) { $0.state.isFinal }
            #expect(recorded.state == .succeeded, "\(recorded)\n\(harness.daemonLog())")
            #expect(recorded.summary?["test_accuracy"] != nil, "the worker's summary was lost: \(recorded)")
            #expect(try harness.ctl(["wait", String(id)]).status == 0)
            #expect(harness.daemonLog(lastBytes: 1 << 20).contains("GLARE_RETRIES="), "\(harness.daemonLog())")
        }
    }
}
