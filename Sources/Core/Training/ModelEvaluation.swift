/// A network's predictions on a dataset in evaluation mode, and the figures they give.
public struct ModelEvaluation: Sendable {
    /// The most probable class of each sample.
    public var predictions: [Int]
    /// Class probabilities, sample-major (`count * classes`).
    public var probabilities: [Float]
    /// Mean cross-entropy against the labels.
    public var loss: Double
    /// Accuracy, macro F1, per-class figures and the confusion matrix.
    public var metrics: ClassificationMetrics

    /// Evaluates `network` on `dataset`, whose landmarks are already normalised.
    public init(network: GlareNetwork, normalizedDataset dataset: LandmarkDataset) throws(BLASError) {
        let predictor = GlarePredictor(network: network)
        let classes = network.classCount
        probabilities = try predictor.probabilities(normalizedLandmarks: dataset.landmarks, count: dataset.count)
        var predictions: [Int] = []
        predictions.reserveCapacity(dataset.count)
        var loss: Double = 0
        for sample in 0..<dataset.count {
            let row = probabilities[sample * classes..<(sample + 1) * classes]
            predictions.append(row.indices.max { row[$0] < row[$1] }! - sample * classes)
            loss -= Double(logf(max(row[sample * classes + dataset.labels[sample]], 1e-30)))
        }
        self.predictions = predictions
        self.loss = dataset.count > 0 ? loss / Double(dataset.count) : 0
        metrics = ClassificationMetrics(
            predictions: predictions, labels: dataset.labels, classNames: dataset.classNames)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
