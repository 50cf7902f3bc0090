import Foundation
import Testing

@testable import Core

@Suite("Model files")
struct ModelFileTests {
    /// A model with `convolution` trained for one epoch, and raw (unnormalised) faces to predict.
    static func trainedModel(convolution: ModelConfiguration.Convolution = .gcn) throws -> (GlareModel, [Float]) {
        var data = SyntheticExpressionDataset.make(samples: 96, seed: 51, options: .easy)
        let raw = data.landmarks
        LandmarkNormalization.rootMeanSquareRadius.apply(to: &data.landmarks, count: data.count)
        var generator = Core.SeededGenerator(seed: 2)
        var configuration = TrainingTestSupport.tinyConfiguration()
        configuration.convolution = convolution
        let network = try GlareNetwork(
            configuration: configuration, classCount: data.classNames.count, generator: &generator)
        _ = try Trainer(
            network: network, configuration: TrainingTestSupport.quickTraining(epochs: 1), trainingSet: data,
            validationSet: data.subset([])
        ).run()
        return (GlareModel(network: network, classNames: data.classNames, trainingSummary: ["epochs": 1]), raw)
    }

    @Test(arguments: ModelConfiguration.Convolution.allCases)
    func saveThenLoad_givesBitIdenticalPredictions(convolution: ModelConfiguration.Convolution) throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (model, faces) = try Self.trainedModel(convolution: convolution)
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

    /// `Tests/Fixtures/gcn-before-gat.glare` was written by glare before GAT existed (its
    /// configuration has no `attention`): a tiny `full` GCN network trained for one epoch. The
    /// expected probabilities of two synthetic faces were printed by that same build.
    @Test func load_ofAGCNFileWrittenBeforeGAT_givesThePredictionsItGaveThen() throws {
        let url = packageRoot().appendingPathComponent("Tests/Fixtures/gcn-before-gat.glare")
        let model = try GlareModel.load(contentsOf: url)
        #expect(model.configuration.convolution == .gcn && model.configuration.levelWidths == [[4], [4], [4]])
        #expect(model.configuration.attention == ModelConfiguration.Attention())

        let faces = SyntheticExpressionDataset.make(samples: 2, seed: 5, options: .easy).landmarks
        let expected: [Float] = [
            0.13093203, 0.121403225, 0.11856783, 0.120860875, 0.12492036, 0.13007231, 0.12179882, 0.13144456,
            0.13024274, 0.1224078, 0.11976949, 0.12178904, 0.12457979, 0.12866855, 0.122472726, 0.13006991,
        ]
        expectAllClose(
            model.predictProbabilities(landmarks: faces, count: 2), expected, tolerance: 1e-6,
            "two easy synthetic faces (seed 5) through \(url.lastPathComponent)")
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

    @Test func load_whenAHeaderFieldIsMissingOrOfAnotherType_refusesNamingTheField() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.glare")
        let model = try Self.trainedModel().0
        let configuration = try TensorArchive.jsonObject(model.configuration)
        let tensors = model.network.namedTensors.map { ($0.name, $0.tensor.shape, $0.tensor.values) }
        let headers: [(String, [String: Any])] = [
            ("classNames", ["format": "glare-model", "configuration": configuration]),
            ("classNames", ["format": "glare-model", "configuration": configuration, "classNames": "calm"]),
            ("configuration", ["format": "glare-model", "configuration": [1, 2], "classNames": model.classNames]),
        ]
        for (field, header) in headers {
            try TensorArchive(magic: GlareModel.magic, header: header, tensors: tensors).write(to: url)
            let detail = "header field '\(field)' is missing or unreadable"
            #expect(throws: ModelFileError.corrupt(path: url.path, detail: detail)) {
                try GlareModel.load(contentsOf: url)
            }
        }
    }

    @Test func load_whenATensorEntryLacksItsShape_refusesAsCorrupt() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.glare")
        let cases = [
            (#"{"tensors": [{"name": "w"}]}"#, "a tensor entry lacks a name or shape"),
            (#"{"tensors": [{"name": "w", "shape": [-1]}]}"#, "a tensor entry lacks a name or shape"),
            (#"{"tensors": "w"}"#, "the header is not the expected JSON"),
            (#"[1, 2]"#, "the header is not the expected JSON"),
        ]
        for (header, detail) in cases {
            var data = Data("GLAREMDL".utf8)
            withUnsafeBytes(of: UInt32(1).littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(Data(header.utf8))
            data.append(Data(repeating: 0, count: 8))
            try data.write(to: url)
            #expect(throws: ModelFileError.corrupt(path: url.path, detail: detail), "header \(header)") {
                try GlareModel.load(contentsOf: url)
            }
        }
    }
}
