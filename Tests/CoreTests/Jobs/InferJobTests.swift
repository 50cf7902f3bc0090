import Foundation
import Testing

@testable import Core

@Suite struct InferJobTests {
    private func run(
        _ inputs: [String], options: [String: String] = [:], predictor: FixedPredictor = FixedPredictor(),
        extractor: CountingExtractor = CountingExtractor(), in recording: RecordingJobContext
    ) throws -> WorkerOutcome {
        try InferJob.run(
            JobSpec(kind: .infer, modelPath: "/unused", inputs: inputs, options: options), context: recording.context,
            predictor: predictor, extractorVersion: extractor.extractorVersion, makeExtractor: { extractor })
    }

    /// The data rows of predictions.csv as dictionaries keyed by the header.
    private func csvRows(_ recording: RecordingJobContext) throws -> [[String: String]] {
        var records: [[String]] = []
        try CSVRecordReader(url: recording.results.appendingPathComponent("predictions.csv")).forEachRecord {
            fields, _ in
            records.append(fields)
        }
        let header = try #require(records.first)
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test func run_writesOneRowPerFaceAndARowForEachFileWithoutOne() throws {
        let folder = try ScratchFolder("infer")
        defer { folder.remove() }
        try folder.write("faces 3", to: "photos/group.jpg")
        try folder.write("noface", to: "photos/landscape.png")
        try folder.write("garbage", to: "photos/broken.jpg")
        try folder.write("ignored", to: "photos/notes.txt")
        let lines = [
            LandmarkCSVReaderTests.header2D(label: "unused"), LandmarkCSVReaderTests.row2D(frame: 1, label: "x"),
            LandmarkCSVReaderTests.row2D(frame: 2, label: "x", replacing: (3, "nan")),
            LandmarkCSVReaderTests.row2D(frame: 3, success: 0, label: "x"),
        ]
        try folder.write(lines.joined(separator: "\n"), to: "photos/sub/tracked,frames.csv")
        let recording = RecordingJobContext(folder: folder.url)

        let outcome = try run([folder.path("photos").path, folder.path("absent.jpg").path], in: recording)

        #expect(outcome.state == .succeeded)
        #expect(outcome.summary == ["files": 5, "faces": 4, "no_face": 2, "errors": 3])
        let rows = try csvRows(recording)
        #expect(
            rows.map { URL(fileURLWithPath: $0["file"]!).lastPathComponent } == [
                "broken.jpg", "group.jpg", "group.jpg", "group.jpg", "landscape.png", "tracked,frames.csv",
                "tracked,frames.csv", "tracked,frames.csv", "absent.jpg",
            ])
        #expect(
            rows.map { $0["status"]! } == ["error", "ok", "ok", "ok", "no_face", "ok", "error", "no_face", "error"])
        #expect(
            rows[1]["face"] == "0" && rows[1]["width"] == "100.0" && rows[3]["face"] == "2" && rows[3]["x"] == "40.0")
        let expected = FixedPredictor.probabilities(
            firstValue: CountingExtractor.landmarks(name: "group.jpg", face: 1)[0])
        let observed = ["anger", "happy", "sad"].map { Float(rows[2][$0]!)! }
        expectAllClose(observed, expected, tolerance: 0, "group.jpg face 1")
        #expect(rows[2]["top_probability"] == "0.5")
        #expect(rows[5]["face"] == "0" && rows[5]["x"] == "" && rows[6]["face"] == "1")
        #expect(rows[6]["message"]?.hasPrefix("line 3: non_finite_value") == true)
        #expect(rows[4]["anger"] == "" && rows[4]["top_class"] == "")
        #expect(rows[0]["message"]?.hasPrefix("unreadable_image: not an image") == true)
        #expect(rows[8]["message"] == "no such file or folder")

        let json = try recording.resultJSON("predictions.json")
        let predictions = try #require(json["predictions"] as? [[String: Any]])
        #expect(predictions.count == 9)
        #expect(predictions[4]["probabilities"] is NSNull)
        let probabilities = try #require(predictions[1]["probabilities"] as? [String: Double])
        #expect(probabilities.keys.sorted() == ["anger", "happy", "sad"])
        #expect(json["classes"] as? [String] == ["anger", "happy", "sad"])
        for name in ["predictions.csv", "predictions.json"] {
            #expect(!(try recording.resultText(name).lowercased().contains("nan")), "\(name) has no NaN")
        }
        #expect(recording.events.last?.phase == "predicting" && recording.events.last?.done == 5)
    }

    @Test func run_withLargestOption_keepsOnlyTheLargestFace() throws {
        let folder = try ScratchFolder("infer")
        defer { folder.remove() }
        let image = try folder.write("faces 4", to: "group.jpg")
        let recording = RecordingJobContext(folder: folder.url)

        let outcome = try run([image.path], options: ["largest": "1"], in: recording)

        let rows = try csvRows(recording)
        #expect(rows.count == 1 && rows[0]["width"] == "100.0")
        #expect(outcome.summary["faces"] == 1)
    }

    @Test func run_whenModelGivesNaN_writesErrorRowsNotNaN() throws {
        let folder = try ScratchFolder("infer")
        defer { folder.remove() }
        let image = try folder.write("faces 2", to: "group.jpg")
        let recording = RecordingJobContext(folder: folder.url)

        let outcome = try run([image.path], predictor: FixedPredictor(givesNaN: true), in: recording)

        #expect(outcome.summary["errors"] == 2 && outcome.summary["faces"] == 0)
        #expect(!(try recording.resultText("predictions.csv").lowercased().contains("nan")))
        #expect(!(try recording.resultText("predictions.json").lowercased().contains("nan")))
    }

    @Test func run_reusesTheLandmarkCacheAcrossJobs() throws {
        let folder = try ScratchFolder("infer")
        defer { folder.remove() }
        let image = try folder.write("faces 2", to: "group.jpg")
        let extractor = CountingExtractor()

        _ = try run([image.path], extractor: extractor, in: RecordingJobContext(folder: folder.url))
        _ = try run([image.path], extractor: extractor, in: RecordingJobContext(folder: folder.url))

        #expect(extractor.callCount == 1)
    }

    @Test func run_whenSpecIsIncompleteOrFolderEmpty_throwsOrWritesAnErrorRow() throws {
        let folder = try ScratchFolder("infer")
        defer { folder.remove() }
        let recording = RecordingJobContext(folder: folder.url)
        #expect(throws: RunnerInputError.missingInputs) { try run([], in: recording) }
        #expect(throws: RunnerInputError.unknownOption(kind: .infer, option: "biggest", known: ["largest"])) {
            try run(["x.jpg"], options: ["biggest": "1"], in: recording)
        }
        try FileManager.default.createDirectory(at: folder.path("empty"), withIntermediateDirectories: true)
        _ = try run([folder.path("empty").path], in: recording)
        let rows = try csvRows(recording)
        #expect(rows.count == 1 && rows[0]["status"] == "error")
        #expect(rows.first?["message"] == "no .jpg, .jpeg, .png or .csv files in this folder")
        #expect(throws: RunnerInputError.missingModel(kind: .infer)) {
            try InferJob.run(JobSpec(kind: .infer, inputs: ["x.jpg"]), context: recording.context)
        }
    }

    @Test func run_withAFIFONamedLikeAPhoto_writesAnErrorRowInsteadOfBlocking() throws {
        let folder = try ScratchFolder("infer")
        defer { folder.remove() }
        try FileManager.default.createDirectory(at: folder.path("photos"), withIntermediateDirectories: true)
        #expect(mkfifo(folder.path("pipe.jpg").path, 0o600) == 0)
        #expect(mkfifo(folder.path("photos/pipe.png").path, 0o600) == 0)
        try folder.write("faces 1", to: "photos/face.jpg")
        let recording = RecordingJobContext(folder: folder.url)

        // Opening either FIFO for reading would block until a writer came; none will.
        _ = try run([folder.path("pipe.jpg").path, folder.path("photos").path], in: recording)

        let rows = try csvRows(recording)
        #expect(rows.count == 2)
        #expect(rows[0]["status"] == "error" && rows[0]["message"] == "not a regular file")
        #expect(rows[1]["file"]?.hasSuffix("photos/face.jpg") == true && rows[1]["status"] == "ok")
    }

    @Test func run_whenStopIsRequested_writesWhatItHasAndEndsInterrupted() throws {
        let folder = try ScratchFolder("infer")
        defer { folder.remove() }
        let image = try folder.write("faces 1", to: "a.jpg")
        let recording = RecordingJobContext(folder: folder.url)
        recording.requestStop()

        let outcome = try run([image.path], in: recording)

        #expect(outcome.state == .interrupted)
        #expect(try csvRows(recording).isEmpty)
    }
}
