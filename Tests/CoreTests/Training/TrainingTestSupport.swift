import Foundation

@testable import Core

/// Small networks and data sets that train in a few seconds in a debug build.
enum TrainingTestSupport {
    /// A narrow network of `variant`.
    static func tinyConfiguration(_ variant: ModelConfiguration.Variant = .full) -> ModelConfiguration {
        var configuration = ModelConfiguration()
        configuration.variant = variant
        configuration.positionalEmbeddingSize = 4
        configuration.levelWidths = [[24], [24], [24]]
        configuration.headWidths = [24]
        configuration.dropout = 0
        return configuration
    }

    /// Short training settings.
    static func quickTraining(epochs: Int, seed: UInt64 = 3) -> TrainingConfiguration {
        var training = TrainingConfiguration()
        training.epochs = epochs
        training.batchSize = 32
        training.learningRate = 3e-3
        training.seed = seed
        training.earlyStoppingPatience = nil
        return training
    }

    /// `samples` synthetic faces of the `easy` preset, normalised as `normalization` says.
    static func synthetic(
        samples: Int, seed: UInt64, normalization: LandmarkNormalization = .rootMeanSquareRadius
    )
        -> LandmarkDataset
    {
        var dataset = SyntheticExpressionDataset.make(samples: samples, seed: seed, options: .easy)
        normalization.apply(to: &dataset.landmarks, count: dataset.count)
        return dataset
    }

    /// The accuracy of `network` on a normalised dataset.
    static func accuracy(_ network: GlareNetwork, on dataset: LandmarkDataset) throws -> Double {
        try ModelEvaluation(network: network, normalizedDataset: dataset).metrics.accuracy
    }

    /// Every stored tensor of `network`, flattened, for bit-for-bit comparisons.
    static func weights(_ network: GlareNetwork) -> [Float] {
        network.namedTensors.flatMap { $0.tensor.values }
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "glare-model-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
