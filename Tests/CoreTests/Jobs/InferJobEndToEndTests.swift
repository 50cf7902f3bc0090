import Foundation
import Testing

@testable import Core

/// Inference through the real model file: a model trained by a real `train` job on the embedded
/// synthetic set, then `infer` on files, once with injected landmarks and once on real photos.
@Suite(.serialized) struct InferJobEndToEndTests {
    /// Trains a small model with `TrainJob` and returns its file.
    private func trainModel(in folder: ScratchFolder) throws -> URL {
        let recording = RecordingJobContext(folder: folder.path("train"))
        let spec = JobSpec(
            kind: .train, dataset: "builtin:synthetic?samples=320&seed=2&difficulty=easy", epochs: 2,
            options: ["threads": "1"])
        let outcome = try TrainJob.run(spec, context: recording.context)
        #expect(outcome.state == .succeeded, "training ended \(outcome.state): \(outcome.reason ?? "")")
        return recording.context.directory.model
    }

    @Test func run_withTrainedModelFile_namesColumnsAfterItsClassesAndGivesProbabilitiesThatSumToOne() throws {
        let folder = try ScratchFolder("infer-model")
        defer { folder.remove() }
        let modelFile = try trainModel(in: folder)
        let model = try GlareModel.load(contentsOf: modelFile)
        let synthetic = SyntheticExpressionDataset.make(samples: 3, seed: 9)
        let header = (0..<68).map { "X_\($0)" } + (0..<68).map { "Y_\($0)" } + (0..<68).map { "Z_\($0)" }
        let rows = (0..<3).map { sample in
            let face = synthetic.landmarks[sample * 204..<(sample + 1) * 204]
            let columns = (0..<3).flatMap { axis in (0..<68).map { face[face.startIndex + $0 * 3 + axis] } }
            return columns.map { "\($0)" }.joined(separator: ",")
        }
        let csv = try folder.write(([header.joined(separator: ", ")] + rows).joined(separator: "\n"), to: "faces.csv")
        try folder.write("faces 2", to: "two.jpg")
        let recording = RecordingJobContext(folder: folder.path("infer"))

        let outcome = try InferJob.run(
            JobSpec(kind: .infer, modelPath: modelFile.path, inputs: [csv.path, folder.path("two.jpg").path]),
            context: recording.context, predictor: model, extractorVersion: "test-1",
            makeExtractor: { CountingExtractor() })

        #expect(outcome.summary == ["files": 2, "faces": 5, "no_face": 0, "errors": 0])
        let json = try recording.resultJSON("predictions.json")
        #expect(json["classes"] as? [String] == model.classNames)
        let predictions = try #require(json["predictions"] as? [[String: Any]])
        for (index, prediction) in predictions.enumerated() {
            let probabilities = try #require(prediction["probabilities"] as? [String: Double])
            #expect(Set(probabilities.keys) == Set(model.classNames))
            expectClose(probabilities.values.reduce(0, +), 1, tolerance: 1e-5, "row \(index) probabilities")
            let top = try #require(probabilities.max { $0.value < $1.value })
            #expect(prediction["top_class"] as? String == top.key)
        }
        let expected = model.predictProbabilities(landmarks: Array(synthetic.landmarks[0..<204]), count: 1)
        let firstRow = try #require(predictions.first?["probabilities"] as? [String: Double])
        expectAllClose(
            model.classNames.map { Float(firstRow[$0]!) }, expected, tolerance: 1e-6, "faces.csv row 0, X/Y/Z columns")
        for name in ["predictions.csv", "predictions.json"] {
            #expect(!(try recording.resultText(name).lowercased().contains("nan")), "\(name) has no NaN")
        }
    }

    @Test func run_onRealPhotos_writesOneRowPerFaceAndReusesTheCache() throws {
        let photos = try #require(fixturePhotos())
        let folder = try ScratchFolder("infer-photos")
        defer { folder.remove() }
        let modelFile = try trainModel(in: folder)
        try folder.write("this is not a photo", to: "inputs/broken.jpg")
        try folder.write("", to: "inputs/empty.png")
        let names = ["multi_face.jpg", "single_face.jpg", "free-mountain-vector-01.jpg", "Image_with_alpha.png"]
        let inputs = names.map { photos.appendingPathComponent($0).path } + [folder.path("inputs").path]
        let spec = JobSpec(kind: .infer, modelPath: modelFile.path, inputs: inputs)

        let first = RecordingJobContext(folder: folder.path("first"))
        let started = Date()
        let outcome = try InferJob.run(spec, context: first.context)
        let firstSeconds = Date().timeIntervalSince(started)

        let rows = try predictionRows(first)
        let byFile = Dictionary(grouping: rows) { URL(fileURLWithPath: $0["file"]!).lastPathComponent }
        let multi = byFile["multi_face.jpg"] ?? []
        #expect(multi.count == 4, "one row per face on multi_face.jpg")
        #expect(multi.map { $0["face"] } == ["0", "1", "2", "3"])
        #expect(multi.allSatisfy { $0["status"] == "ok" })
        let areas = multi.map { Double($0["width"]!)! * Double($0["height"]!)! }
        #expect(areas == areas.sorted(by: >), "largest face first: \(areas)")
        #expect(byFile["single_face.jpg"]?.map { $0["status"] } == ["ok"])
        #expect(byFile["free-mountain-vector-01.jpg"]?.map { $0["status"] } == ["no_face"])
        #expect(byFile["broken.jpg"]?.map { $0["status"] } == ["error"])
        #expect(byFile["empty.png"]?.map { $0["status"] } == ["error"])
        #expect(outcome.summary["no_face"] == 1 && outcome.summary["errors"] == 2)
        for name in ["predictions.csv", "predictions.json"] {
            #expect(!(try first.resultText(name).lowercased().contains("nan")), "\(name) has no NaN")
        }

        let second = RecordingJobContext(folder: folder.path("second"), cache: first.context.landmarkCacheDirectory)
        let restarted = Date()
        _ = try InferJob.run(spec, context: second.context)
        let secondSeconds = Date().timeIntervalSince(restarted)
        #expect(try second.resultText("predictions.csv") == first.resultText("predictions.csv"))
        print("infer on real photos: first run \(firstSeconds) s, second run (landmarks cached) \(secondSeconds) s")
        #expect(secondSeconds < firstSeconds)

        let largest = RecordingJobContext(folder: folder.path("largest"))
        var largestSpec = spec
        largestSpec.inputs = [photos.appendingPathComponent("multi_face.jpg").path]
        largestSpec.options = ["largest": "1"]
        _ = try InferJob.run(largestSpec, context: largest.context)
        let largestRows = try predictionRows(largest)
        #expect(largestRows.count == 1)
        #expect(largestRows.first?["width"] == multi.first?["width"])
    }

    /// The data rows of a job's predictions.csv, keyed by the header.
    private func predictionRows(_ recording: RecordingJobContext) throws -> [[String: String]] {
        var records: [[String]] = []
        let file = recording.results.appendingPathComponent("predictions.csv")
        try CSVRecordReader(url: file).forEachRecord { fields, _ in records.append(fields) }
        let header = try #require(records.first)
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
