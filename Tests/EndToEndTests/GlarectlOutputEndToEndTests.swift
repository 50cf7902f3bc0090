import Core
import Foundation
import GlareClient
import Testing

extension EndToEnd {
    /// The real glarectl against a scripted daemon: exit statuses, messages and output forms.
    @Suite("glarectl against a scripted daemon")
    struct GlarectlOutputEndToEndTests {
        static func job(
            _ id: Int64, _ state: JobState, reason: String? = nil, progress: ProgressEvent? = nil
        ) -> JobRecord {
            JobRecord(
                id: id, spec: JobSpec(kind: .train, dataset: "builtin:synthetic"), owner: 1000, ownerName: "ada",
                group: "train", priority: 0, dependencies: [], state: state, createdAt: 1_700_000_000,
                progress: progress, reason: reason)
        }

        func run(_ daemon: ScriptedDaemon, _ arguments: [String]) throws -> CommandResult {
            let harness = try DaemonHarness()
            return try harness.ctl(["--socket", daemon.socketPath] + arguments, timeout: .seconds(30))
        }

        @Test func errorReplies_mapOntoTheirExitStatuses() throws {
            let daemon = try ScriptedDaemon { request in
                switch request {
                case .show: return [.error(code: .notFound, message: "no job 41")]
                case .remove: return [.error(code: .denied, message: "job 3 belongs to bob")]
                case .drain: return [.error(code: .invalidState, message: "already draining")]
                default: return [.error(code: .badRequest, message: "unexpected")]
                }
            }
            let notFound = try run(daemon, ["show", "41"])
            #expect(notFound.status == ExitStatus.notFound.rawValue, "\(notFound)")
            #expect(notFound.errorOutput == "glarectl: no job 41 (not_found)\n")
            #expect(notFound.output.isEmpty)

            let denied = try run(daemon, ["remove", "3"])
            #expect(denied.status == ExitStatus.denied.rawValue, "\(denied)")
            let other = try run(daemon, ["drain"])
            #expect(other.status == ExitStatus.daemonError.rawValue, "\(other)")
            let usage = try run(daemon, ["show", "x"])
            #expect(usage.status == ExitStatus.usage.rawValue, "\(usage)")
            #expect(!daemon.requests.contains { if case .show(let id) = $0 { id != 41 } else { false } })
        }

        @Test func wait_whenOneJobFailed_exitsOneAndSaysWhy() throws {
            let daemon = try ScriptedDaemon { _ in
                [
                    .batch([
                        BatchItem(id: 1, job: GlarectlOutputEndToEndTests.job(1, .succeeded)),
                        BatchItem(
                            id: 2, job: GlarectlOutputEndToEndTests.job(2, .failed, reason: "dependency 1 failed")),
                    ])
                ]
            }
            let result = try run(daemon, ["wait", "1", "2"])
            #expect(result.status == ExitStatus.jobFailed.rawValue, "\(result)")
            #expect(result.output == "1 succeeded\n2 failed\n")
            #expect(result.errorOutput == "glarectl: job 2 failed: dependency 1 failed\n")
            #expect(daemon.requests == [.wait(ids: [1, 2])])
        }

        @Test func trainFollow_printsIdLogAndProgress_andExitsWithTheOutcome() throws {
            let event = ProgressEvent(
                phase: "epoch", time: 1_700_000_100, done: 2, total: 2, metrics: ["loss": 0.25, "accuracy": 0.9])
            let daemon = try ScriptedDaemon { request in
                switch request {
                case .submit(let spec, _, _):
                    var job = GlarectlOutputEndToEndTests.job(7, .queued)
                    job.spec = spec
                    return [.submitted(job)]
                case .logs:
                    return [
                        .logChunk(data: Data("epoch 1 done\nepoch 2 ".utf8), offset: 0),
                        .logChunk(data: Data("done\n".utf8), offset: 21),
                        .logEnd(state: .succeeded),
                    ]
                case .show:
                    return [.job(GlarectlOutputEndToEndTests.job(7, .succeeded, progress: event))]
                default:
                    return [.error(code: .badRequest, message: "unexpected")]
                }
            }
            let result = try run(daemon, ["train", "--dataset", "ferg:data/FERG", "--epochs", "2", "--follow"])
            #expect(result.status == 0, "\(result)")
            #expect(result.output == "7\nepoch 1 done\nepoch 2 done\n")
            // Standard error is not a terminal here: plain progress lines, no carriage returns.
            #expect(result.errorOutput == "epoch 2/2  loss 0.250  acc 90.0%\n")

            guard case .submit(let spec, _, _)? = daemon.requests.first else {
                Issue.record("no submit request: \(daemon.requests)")
                return
            }
            // glarectl runs in the test's working directory, which it inherits.
            let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(
                "data/FERG")
            #expect(spec.dataset == "ferg:" + folder.standardizedFileURL.path)
        }

        @Test func result_downloadsEveryFileWhole() throws {
            let content = Data((0..<600_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let daemon = try ScriptedDaemon { request in
                switch request {
                case .result:
                    return [
                        .files([
                            ResultFile(name: "model.glare", size: Int64(content.count)),
                            ResultFile(name: "metrics.json", size: 2),
                        ])
                    ]
                case .fetchFile(_, "model.glare", _):
                    return stride(from: 0, to: content.count, by: WireProtocol.chunkSize).map { start in
                        let end = min(start + WireProtocol.chunkSize, content.count)
                        return .fileChunk(
                            name: "model.glare", data: content[start..<end], offset: Int64(start),
                            isLast: end == content.count)
                    }
                case .fetchFile(_, "metrics.json", _):
                    return [.fileChunk(name: "metrics.json", data: Data("{}".utf8), offset: 0, isLast: true)]
                default:
                    return [.error(code: .badRequest, message: "unexpected")]
                }
            }
            let output = daemon.directory.appendingPathComponent("out")
            let result = try run(daemon, ["result", "9", "-o", output.path])
            #expect(result.status == 0, "\(result)")
            #expect(try Data(contentsOf: output.appendingPathComponent("model.glare")) == content)
            #expect(try String(contentsOf: output.appendingPathComponent("metrics.json"), encoding: .utf8) == "{}")
            #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("model.glare.part").path))

            let listing = try run(daemon, ["result", "9"])
            #expect(listing.output == "NAME          SIZE\nmodel.glare   600000\nmetrics.json  2\n")
        }
    }
}
