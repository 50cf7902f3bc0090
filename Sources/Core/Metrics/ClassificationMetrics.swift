import Foundation

/// How well predicted classes match the labels: the figures a run reports and a report plots.
///
/// With `C[l][p]` the confusion counts, for class k: TP = C[k][k], predicted positives = column
/// sum, actual positives = row sum; precision = TP / predicted, recall = TP / actual,
/// F1 = 2 P R / (P + R). Every ratio whose denominator is zero is 0, never NaN: a class nobody
/// predicted has precision 0, a class absent from the labels has recall 0, and F1 is 0 when
/// P + R = 0. Accuracy and macro-F1 of an empty sample set are 0.
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
    ///
    /// - Precondition: both lists have the same length and every index is in `0..<classNames.count`.
    public init(predictions: [Int], labels: [Int], classNames: [String]) {
        precondition(predictions.count == labels.count, "predictions and labels differ in length")
        let classCount = classNames.count
        var confusion = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
        for (prediction, label) in zip(predictions, labels) {
            precondition((0..<classCount).contains(prediction), "prediction \(prediction) is not a class index")
            precondition((0..<classCount).contains(label), "label \(label) is not a class index")
            confusion[label][prediction] += 1
        }
        self.init(confusion: confusion, classNames: classNames)
    }

    /// Derives every figure from a confusion matrix (`confusion[label][prediction]`, square, one row
    /// per class name).
    public init(confusion: [[Int]], classNames: [String]) {
        let classCount = classNames.count
        precondition(confusion.count == classCount && confusion.allSatisfy { $0.count == classCount }, "bad matrix")

        let total = confusion.reduce(0) { $0 + $1.reduce(0, +) }
        let correct = (0..<classCount).reduce(0) { $0 + confusion[$1][$1] }
        var precision: [Double] = []
        var recall: [Double] = []
        var f1: [Double] = []
        var occurringF1: [Double] = []
        for index in 0..<classCount {
            let truePositives = Double(confusion[index][index])
            let actual = confusion[index].reduce(0, +)
            let predicted = confusion.reduce(0) { $0 + $1[index] }
            let classPrecision = Self.ratio(truePositives, Double(predicted))
            let classRecall = Self.ratio(truePositives, Double(actual))
            let classF1 = Self.ratio(2 * classPrecision * classRecall, classPrecision + classRecall)
            precision.append(classPrecision)
            recall.append(classRecall)
            f1.append(classF1)
            if actual > 0 || predicted > 0 { occurringF1.append(classF1) }
        }

        self.classNames = classNames
        self.count = total
        self.accuracy = Self.ratio(Double(correct), Double(total))
        self.macroF1 = Self.ratio(occurringF1.reduce(0, +), Double(occurringF1.count))
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.confusion = confusion
    }

    /// `numerator / denominator`, or 0 when the denominator is 0.
    private static func ratio(_ numerator: Double, _ denominator: Double) -> Double {
        denominator > 0 ? numerator / denominator : 0
    }

    /// The metrics as pretty-printed JSON with sorted keys, the form a job writes to
    /// `metrics.json`; `ClassificationMetrics.decoded(from:)` reads it back.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Writes `jsonData()` to `url`, replacing the file atomically.
    public func writeJSON(to url: URL) throws {
        try jsonData().write(to: url, options: .atomic)
    }

    /// Reads metrics written by `jsonData()` or `writeJSON(to:)`.
    public static func decoded(from data: Data) throws -> ClassificationMetrics {
        try JSONDecoder().decode(ClassificationMetrics.self, from: data)
    }
}
