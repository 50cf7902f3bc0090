import Foundation
import Testing

@testable import Core

@Suite("Model files")
struct ModelFileTests {
    /// A model trained for one epoch, and raw (unnormalised) faces to predict.
    static func trainedModel() throws -> (GlareModel, [Float]) {
        var data = SyntheticExpressionDataset.make(samples: 96, seed: 51, options: .easy)
        let raw = data.landmarks
        LandmarkNormalization.rootMeanSquareRadius.apply(to: &data.landmarks, count: data.count)
        var generator = Core.SeededGenerator(seed: 2)
        let network = try GlareNetwork(
            configuration: TrainingTestSupport.tinyConfiguration(), classCount: data.classNames.count,
            generator: &generator)
        _ = try Trainer(
            network: network, configuration: TrainingTestSupport.quickTraining(epochs: 1), trainingSet: data,
            validationSet: data.subset([])
        ).run()
        return (GlareModel(network: network, classNames: data.classNames, trainingSummary: ["epochs": 1]), raw)
    }

    @Test func saveThenLoad_givesBitIdenticalPredictions() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (model, faces) = try Self.trainedModel()
        let url = folder.appendingPathComponent("model.glare")
        try model.save(to: url)
        let loaded = try GlareModel.load(contentsOf: url)

        let before = model.predictProbabilities(landmarks: faces, count: 96)
        let after = loaded.predictProbabilities(landmarks: faces, count: 96)
        #expect(before.map(\.bitPattern) == after.map(\.bitPattern))
        #expect(loaded.classNames == model.classNames)
        #expect(loaded.configuration == model.configuration)
        #expect(loaded.trainingSummary == ["epochs": 1])
        let sums = (0..<96).map { sample in after[sample * 8..<(sample + 1) * 8].reduce(0, +) }
        expectAllClose(sums, [Float](repeating: 1, count: 96), tolerance: 1e-5, "probabilities of each face sum to 1")
    }

    @Test func load_whenFileIsTruncated_refuses() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.glare")
        try Self.trainedModel().0.save(to: url)
        let data = try Data(contentsOf: url)
        for cut in [0, 10, 30, data.count / 2, data.count - 1] {
            try data.prefix(cut).write(to: url)
            #expect(throws: ModelFileError.truncated(path: url.path), "cut at \(cut) of \(data.count) bytes") {
                try GlareModel.load(contentsOf: url)
            }
        }
    }

    @Test func load_whenFormatVersionIsFromTheFuture_refuses() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.glare")
        try Self.trainedModel().0.save(to: url)
        var data = try Data(contentsOf: url)
        data[8] = 2
        try data.write(to: url)
        #expect(throws: ModelFileError.futureVersion(path: url.path, found: 2, supported: 1)) {
            try GlareModel.load(contentsOf: url)
        }
    }

    @Test func load_whenAWeightByteIsFlipped_refusesAsCorrupt() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.glare")
        try Self.trainedModel().0.save(to: url)
        var data = try Data(contentsOf: url)
        data[data.count - 100] ^= 0x40
        try data.write(to: url)
        #expect(throws: ModelFileError.corrupt(path: url.path, detail: "checksum mismatch")) {
            try GlareModel.load(contentsOf: url)
        }
    }

    @Test func load_whenFileIsACheckpoint_refusesAsAnotherKind() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("x")
        try Data("GLARECKP".utf8 + [UInt8](repeating: 0, count: 40)).write(to: url)
        #expect(throws: ModelFileError.notThisKind(path: url.path, expected: "GLAREMDL")) {
            try GlareModel.load(contentsOf: url)
        }
    }
}
