import Core
import Foundation
import Glibc
import Testing

extension EndToEnd {
    /// A job writing a lot of output.
    @Suite("fault injection: job output")
    struct FaultInjectionOutputTests {
        /// Bytes the stand-in job writes.
        static let outputBytes = 256 * 1024 * 1024

        /// The job is a stand-in worker (a script beside a copy of glared) that writes 256 MB to its
        /// output, which glared opens as the job's log. glared must never read it into memory.
        ///
        /// The log cap itself is glare-worker's (it pipes its own output through `CappedOutput`),
        /// so a foreign stand-in is not capped; `WorkerProcessTests` checks the real worker's cap.
        @Test func jobWritingHundredsOfMegabytes_leavesDaemonMemoryFlat_andListFast() throws {
            let harness = try DaemonHarness()
            let installation = harness.directory.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: installation, withIntermediateDirectories: true)
            let daemon = installation.appendingPathComponent("glared")
            try FileManager.default.copyItem(at: harness.binaries.appendingPathComponent("glared"), to: daemon)
            let worker = installation.appendingPathComponent("glare-worker")
            let script = """
                #!/bin/sh
                yes 'epoch 1 batch 7 loss 0.6931 accuracy 0.5000 a line of chatter' | head -c \(Self.outputBytes)
                exit 0
                """
            try script.write(to: worker, atomically: true, encoding: .utf8)
            #expect(chmod(worker.path, 0o755) == 0)
            harness.daemonExecutable = daemon
            try harness.start()
            defer { harness.stop(timeout: .seconds(10)) }
            let pid = try #require(harness.daemonProcessIdentifier)

            // A few requests first, so the baseline includes the daemon's warmed-up allocations.
            for _ in 0..<5 { _ = try harness.ctl(["list", "--all"]) }
            let before = try residentKilobytes(of: pid)

            let id = try harness.submit(Trainings.tiny)
            var peak = before
            var slowestList: Duration = .zero
            var job = try harness.show(id)
            while !job.state.isFinal {
                let started = ContinuousClock.now
                let listed = try harness.ctl(["list", "--all"])
                slowestList = max(slowestList, ContinuousClock.now - started)
                #expect(listed.status == 0, "\(listed)")
                peak = max(peak, try residentKilobytes(of: pid))
                job = try harness.show(id)
            }
            let logBytes =
                (try? FileManager.default.attributesOfItem(
                    atPath: harness.stateDirectory.appendingPathComponent("jobs/\(id)/log").path)[.size] as? Int) ?? 0
            print(
                "fault injection: a job wrote \(logBytes) bytes of log; glared RSS \(before) kB before, "
                    + "peak \(peak) kB while it ran; slowest glarectl list \(slowestList)")

            #expect(job.state == .succeeded, "\(job)")
            #expect(logBytes >= Self.outputBytes, "the stand-in wrote only \(logBytes) bytes")
            #expect(peak - before < 32 * 1024, "glared grew from \(before) kB to \(peak) kB")
            #expect(slowestList < .seconds(2), "a list took \(slowestList)")
        }

        private func residentKilobytes(of pid: Int32) throws -> Int {
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
            return try #require(Int(line.split(separator: " ").dropFirst().first ?? ""), "\(line)")
        }
    }
}
