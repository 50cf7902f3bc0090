import Core
import Foundation
import Glibc
import Testing

extension EndToEnd {
    /// A worker killed from outside, and a worker that will not stop on SIGTERM.
    @Suite("fault injection: workers")
    struct FaultInjectionWorkerTests {
        @Test func killWorker_duringTraining_failsTheJobNamingSignal9WithinSeconds() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            let id = try harness.submit(Trainings.long)
            let running = try harness.waitForJob(id, timeout: .seconds(60), pollEvery: 0.05) {
                $0.state == .running && $0.pid != nil
            }
            let worker = try #require(running.pid)
            let killed = ContinuousClock.now
            #expect(kill(worker, SIGKILL) == 0)

            let job = try harness.waitForJob(id, timeout: .seconds(10), pollEvery: 0.05) { $0.state.isFinal }
            let elapsed = ContinuousClock.now - killed
            print(
                "fault injection: worker kill -9 seen as \(job.state) (\(job.reason ?? "no reason")) after \(elapsed)")
            #expect(job.state == .failed, "\(job)")
            #expect(job.reason?.contains("signal 9") == true, "reason: \(String(describing: job.reason))")
            #expect(elapsed < .seconds(5), "the kill took \(elapsed) to be seen")
            // The daemon goes on serving.
            #expect(try harness.ctl(["status"]).status == 0)
        }

        /// The stand-in worker: a script beside a copy of glared (which starts the `glare-worker`
        /// beside itself) that ignores SIGTERM, as a job stuck in uninterruptible code would.
        @Test func cancel_jobIgnoringSIGTERM_isKilledAfterGrace_andTheNextJobStarts() throws {
            let harness = try DaemonHarness()
            let installation = harness.directory.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: installation, withIntermediateDirectories: true)
            let daemon = installation.appendingPathComponent("glared")
            try FileManager.default.copyItem(at: harness.binaries.appendingPathComponent("glared"), to: daemon)
            let worker = installation.appendingPathComponent("glare-worker")
            // The started line marks that the trap is set; TERM stays ignored across exec.
            try "#!/bin/sh\ntrap '' TERM\necho started\nexec sleep 600\n".write(
                to: worker, atomically: true, encoding: .utf8)
            #expect(chmod(worker.path, 0o755) == 0)
            harness.daemonExecutable = daemon
            harness.configuration = ["grace_seconds = 2", "parallelism.train = 1"]
            try harness.start()
            defer { harness.stop(timeout: .seconds(10)) }

            let stubborn = try harness.submit(Trainings.tiny + ["--name", "stubborn"])
            let next = try harness.submit(Trainings.tiny + ["--name", "next"])
            let running = try harness.waitForJob(stubborn, timeout: .seconds(30), pollEvery: 0.05) {
                $0.state == .running && $0.pid != nil
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while !harness.jobLog(stubborn).contains("started") && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(try harness.show(next).state == .queued, "the second job ran beside the first")

            let cancelledAt = ContinuousClock.now
            let cancel = try harness.ctl(["cancel", String(stubborn)])
            #expect(cancel.status == 0, "\(cancel)")
            let cancelled = try harness.waitForJob(stubborn, timeout: .seconds(15), pollEvery: 0.05) {
                $0.state.isFinal
            }
            let elapsed = ContinuousClock.now - cancelledAt
            print("fault injection: a job ignoring SIGTERM ended \(cancelled.state) after \(elapsed) (grace 2 s)")
            #expect(cancelled.state == .cancelled, "\(cancelled)")
            #expect(elapsed >= .milliseconds(1900) && elapsed < .seconds(8), "ended after \(elapsed)")
            if let pid = running.pid {
                #expect(kill(pid, 0) != 0, "the stubborn worker \(pid) still exists")
            }

            // Its slot is free: the next job starts (and, being the same stand-in, is then cancelled).
            let second = try harness.waitForJob(next, timeout: .seconds(15), pollEvery: 0.05) { $0.state != .queued }
            #expect(second.state == .running || second.state.isFinal, "\(second)")
            #expect(try harness.ctl(["cancel", String(next)]).status == 0)
            _ = try harness.waitForJob(next, timeout: .seconds(15)) { $0.state.isFinal }
        }
    }
}
