// CONTRACT PLACEHOLDER: the model-data work replaces the bodies; the signatures are the contract.
/// How well predicted classes match the labels: the figures a run reports and a report plots.
public struct ClassificationMetrics: Codable, Sendable, Equatable {
    /// The class names, indexing every per-class array and the confusion matrix.
    public var classNames: [String]
    /// Samples counted.
    public var count: Int
    /// Fraction of samples whose prediction equals the label.
    public var accuracy: Double
    /// Mean of the per-class F1 scores over classes that occur in labels or predictions.
    public var macroF1: Double
    /// Per class: true positives / predicted positives (0 when nothing was predicted).
    public var precision: [Double]
    /// Per class: true positives / actual positives (0 when the class does not occur).
    public var recall: [Double]
    /// Per class F1.
    public var f1: [Double]
    /// `confusion[label][prediction]` counts.
    public var confusion: [[Int]]

    /// Measures `predictions` against `labels` (class indices into `classNames`).
    public init(predictions: [Int], labels: [Int], classNames: [String]) {
        fatalError("metrics not built yet")
    }
}
