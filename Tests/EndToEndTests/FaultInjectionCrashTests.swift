import Core
import Foundation
import Glibc
import Testing

extension EndToEnd {
    /// `kill -9` of glared while a training job runs, at several points of the training.
    @Suite("fault injection: daemon crash")
    struct FaultInjectionCrashTests {
        /// Where in the training glared is killed.
        enum CrashPoint: String, CaseIterable {
            /// As soon as the job shows `running`: the worker is loading its data, no checkpoint yet.
            case atStart = "at start"
            /// Right after the first epoch's checkpoint.
            case afterEpochOne = "after epoch 1"
            /// Half-way through the second epoch.
            case midEpoch = "mid epoch 2"
            /// Half-way through the second epoch, killing the worker too, as a power cut would.
            case midEpochWithWorker = "mid epoch 2, worker killed too"
        }

        /// The same training for every run: a fixed seed, so runs are comparable.
        static let training = Trainings.interruptible + ["--option", "seed=7"]

        /// The largest difference allowed between the probabilities of the resumed and the
        /// uninterrupted model. With one BLAS thread the trainer is deterministic and a resumed run
        /// replays the same arithmetic, so the figure measured is 0; the allowance only absorbs a
        /// BLAS that would pick another kernel order on another machine.
        static let tolerance: Float = 1e-5

        @Test func killDaemon_duringTraining_thenStart_resumesAndGivesTheUninterruptedModel() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            let reference = try harness.submit(Self.training + ["--name", "uninterrupted"])
            let finished = try harness.ctl(["wait", String(reference)], timeout: .seconds(300))
            try #require(finished.status == 0, "\(finished)\n\(harness.jobLog(reference))")
            let referenceModel = try model(of: reference, in: harness)
            let samples = try probeLandmarks()

            var crashed: [Int64] = []
            for point in CrashPoint.allCases {
                let id = try harness.submit(Self.training + ["--name", point.rawValue])
                crashed.append(id)
                try crash(harness, job: id, at: point)
                try harness.start()

                let job = try harness.waitForJob(id, timeout: .seconds(300)) { $0.state.isFinal }
                #expect(job.state == .succeeded, "\(point.rawValue): \(job)\n\(harness.jobLog(id))")
                #expect(job.restarts >= 1, "\(point.rawValue): the crash was not seen: \(job)")
                guard job.state == .succeeded else { continue }

                let resumed = try model(of: id, in: harness)
                let expected = referenceModel.predictProbabilities(landmarks: samples.landmarks, count: samples.count)
                let observed = resumed.predictProbabilities(landmarks: samples.landmarks, count: samples.count)
                let difference = zip(expected, observed).map { abs($0 - $1) }.max() ?? .infinity
                print(
                    "fault injection: crash \(point.rawValue): job \(id) resumed (restarts \(job.restarts)), "
                        + "largest probability difference from the uninterrupted run \(difference)")
                #expect(
                    expected.count == observed.count && difference <= Self.tolerance,
                    """
                    \(point.rawValue): resumed model differs from the uninterrupted one
                    input: \(samples.count) synthetic faces; expected (first 7): \(expected.prefix(7))
                    observed (first 7): \(observed.prefix(7)); largest difference \(difference) > \(Self.tolerance)
                    """)
            }

            let jobs = try harness.listAll()
            let lost = crashed.filter { id in jobs.first { $0.id == id }?.state != .succeeded }
            print(
                "fault injection: crash points tried \(CrashPoint.allCases.count) "
                    + "(\(CrashPoint.allCases.map(\.rawValue).joined(separator: "; "))), jobs lost \(lost.count)")
            #expect(lost.isEmpty, "jobs lost: \(lost)")
            #expect(jobs.count == crashed.count + 1, "jobs after the crashes: \(jobs.map(\.id))")
        }

        /// Waits for `point` in job `id`'s training, then kills glared (and at one point its worker) with SIGKILL.
        private func crash(_ harness: DaemonHarness, job id: Int64, at point: CrashPoint) throws {
            let running = try harness.waitForJob(id, timeout: .seconds(120), pollEvery: 0.05) { job in
                switch point {
                case .atStart: return job.state == .running
                default:
                    return job.state == .running && job.progress?.phase == "epoch" && (job.progress?.done ?? 0) >= 1
                }
            }
            if point == .midEpoch || point == .midEpochWithWorker {
                // An epoch takes about two seconds in a debug build.
                Thread.sleep(forTimeInterval: 1.0)
            }
            let daemonPid = try #require(harness.daemonProcessIdentifier)
            #expect(kill(daemonPid, SIGKILL) == 0)
            if point == .midEpochWithWorker, let worker = running.pid {
                // The worker leads its own process group.
                #expect(kill(-worker, SIGKILL) == 0, "kill -9 of worker group \(worker): errno \(errno)")
            }
            harness.stop(timeout: .seconds(10))
        }

        private func model(of id: Int64, in harness: DaemonHarness) throws -> GlareModel {
            let url = harness.stateDirectory.appendingPathComponent("jobs/\(id)/results/model.glare")
            return try GlareModel.load(contentsOf: url)
        }

        /// Faces the models are compared on, from another seed than the training's data.
        private func probeLandmarks() throws -> (landmarks: [Float], count: Int) {
            let spec = try DatasetSpec(parsing: "builtin:synthetic?samples=64&seed=12345")
            let cache = FileManager.default.temporaryDirectory.appendingPathComponent("glare-probe-\(getpid())")
            defer { try? FileManager.default.removeItem(at: cache) }
            let dataset = try DatasetLoader.load(spec, cacheDirectory: cache)
            return (dataset.landmarks, dataset.count)
        }
    }
}
