import Foundation
import Testing

@testable import Core

@Suite struct ExtractJobTests {
    private func makeDataset(in folder: ScratchFolder) throws -> String {
        try folder.write("faces 1", to: "faces/happy/a.jpg")
        try folder.write("faces 1", to: "faces/happy/b.jpg")
        try folder.write("noface", to: "faces/sad/c.jpg")
        try folder.write("garbage", to: "faces/sad/d.jpg")
        return "folder:\(folder.path("faces").path)"
    }

    @Test func run_writesExtractionResultAndSummaryAndReusesTheCacheNextTime() throws {
        let folder = try ScratchFolder("extract")
        defer { folder.remove() }
        let dataset = try makeDataset(in: folder)
        let extractor = CountingExtractor()
        let spec = JobSpec(kind: .extract, dataset: dataset)

        let first = RecordingJobContext(folder: folder.url)
        let outcome = try ExtractJob.run(
            spec, context: first.context, extractorVersion: extractor.extractorVersion, makeExtractor: { extractor })
        let second = RecordingJobContext(folder: folder.url)
        let again = try ExtractJob.run(
            spec, context: second.context, extractorVersion: extractor.extractorVersion, makeExtractor: { extractor })

        #expect(outcome.state == .succeeded)
        #expect(outcome.summary["samples"] == 2 && outcome.summary["dropped"] == 2)
        #expect(
            outcome.summary["files"] == 4 && outcome.summary["extracted"] == 4 && outcome.summary["from_cache"] == 0)
        #expect(again.summary["from_cache"] == 4 && again.summary["extracted"] == 0)
        #expect(extractor.callCount == 4)

        let result = try second.resultJSON("extraction.json")
        #expect(result["samples"] as? Int == 2)
        #expect(result["dropped_by_reason"] as? [String: Int] == ["no_face": 1, "unreadable_image": 1])
        let dropped = try #require(result["dropped"] as? [[String: String]])
        #expect(
            dropped.map { URL(fileURLWithPath: $0["source"] ?? "").lastPathComponent }.sorted() == ["c.jpg", "d.jpg"])
        let counts = try #require(result["extraction"] as? [String: Int])
        #expect(counts["from_cache"] == 4)
        #expect(first.events.contains { $0.phase == "extracting" && $0.done == 4 && $0.total == 4 })
        #expect(first.logLines.contains { $0.contains("2 dropped (no_face 1, unreadable_image 1)") })
    }

    @Test func run_whenStopIsRequested_endsInterruptedWithoutResults() throws {
        let folder = try ScratchFolder("extract")
        defer { folder.remove() }
        let dataset = try makeDataset(in: folder)
        let recording = RecordingJobContext(folder: folder.url)
        recording.requestStop()

        let outcome = try ExtractJob.run(
            JobSpec(kind: .extract, dataset: dataset), context: recording.context, extractorVersion: "test-1",
            makeExtractor: { CountingExtractor() })

        #expect(outcome.state == .interrupted)
        #expect(
            !FileManager.default.fileExists(atPath: recording.results.appendingPathComponent("extraction.json").path))
    }

    @Test func run_whenDatasetIsMissingOrBad_throwsAClearError() throws {
        let folder = try ScratchFolder("extract")
        defer { folder.remove() }
        let recording = RecordingJobContext(folder: folder.url)
        #expect(throws: RunnerInputError.missingDataset(kind: .extract)) {
            try ExtractJob.run(JobSpec(kind: .extract), context: recording.context)
        }
        #expect(throws: DatasetSpecError.unknownKind("imagenet")) {
            try ExtractJob.run(JobSpec(kind: .extract, dataset: "imagenet:/x"), context: recording.context)
        }
        #expect(throws: DatasetLoadError.missingPath("/nonexistent/glare")) {
            try ExtractJob.run(JobSpec(kind: .extract, dataset: "ferg:/nonexistent/glare"), context: recording.context)
        }
    }
}
