import Core
import Foundation
import Testing

extension EndToEnd {
    @Suite("train")
    struct TrainEndToEndTests {
        @Test func train_onSyntheticData_followedToSucceeded_leavesADownloadableModel() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            let follow = try harness.ctl(Trainings.tiny + ["--name", "tiny-e2e", "--follow"], timeout: .seconds(300))
            #expect(follow.status == 0, "\(follow)\n\(harness.daemonLog())")
            let firstLine = follow.output.split(separator: "\n").first.map(String.init) ?? ""
            let id = try #require(Int64(firstLine), "--follow must print the job id first: \(follow)")

            let job = try harness.show(id)
            #expect(job.state == .succeeded, "\(job)\n\(harness.jobLog(id))")
            #expect(job.startedAt != nil && job.finishedAt != nil)
            #expect(job.spec.name == "tiny-e2e")

            let models = try harness.ctl(["models", "--json"])
            let entries = try WireProtocol.makeDecoder().decode([ModelEntry].self, from: Data(models.output.utf8))
            #expect(entries.contains { $0.name == "tiny-e2e" && $0.jobId == id }, "\(models)")

            let listing = try harness.ctl(["result", String(id), "--json"])
            let files = try WireProtocol.makeDecoder().decode([ResultFile].self, from: Data(listing.output.utf8))
            let model = try #require(files.first { $0.name == "model.glare" }, "no model.glare in \(listing)")

            let downloads = harness.directory.appendingPathComponent("downloads")
            let download = try harness.ctl(["result", String(id), "-o", downloads.path, "--file", "model.glare"])
            #expect(download.status == 0, "\(download)")
            let saved = try FileManager.default.attributesOfItem(
                atPath: downloads.appendingPathComponent("model.glare").path)
            #expect((saved[.size] as? NSNumber)?.int64Value == model.size)
            #expect(model.size > 0)
        }
    }
}
