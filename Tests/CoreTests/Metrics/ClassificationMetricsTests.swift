import Foundation
import Testing

@testable import Core

@Suite struct ClassificationMetricsTests {
    /// Nine samples over three classes, worked by hand:
    ///
    ///     labels      0 0 0 1 1 2 2 2 2
    ///     predictions 0 1 0 1 2 2 2 0 1
    ///
    /// confusion (rows labels, columns predictions): [2 1 0], [0 1 1], [1 1 2]; 5 of 9 correct.
    /// Column sums 3 3 3, row sums 3 2 4.
    private let labels = [0, 0, 0, 1, 1, 2, 2, 2, 2]
    private let predictions = [0, 1, 0, 1, 2, 2, 2, 0, 1]
    private let names = ["a", "b", "c"]

    @Test func init_countsConfusionWithLabelRowsAndPredictionColumns() {
        let metrics = ClassificationMetrics(predictions: predictions, labels: labels, classNames: names)

        #expect(metrics.confusion == [[2, 1, 0], [0, 1, 1], [1, 1, 2]])
        #expect(metrics.count == 9)
        expectClose(metrics.accuracy, 5.0 / 9.0, tolerance: 1e-12, "hand-worked case")
    }

    @Test func init_givesPerClassPrecisionRecallAndF1() {
        let metrics = ClassificationMetrics(predictions: predictions, labels: labels, classNames: names)
        let precision = [2.0 / 3.0, 1.0 / 3.0, 2.0 / 3.0]
        let recall = [2.0 / 3.0, 1.0 / 2.0, 2.0 / 4.0]
        let f1 = (0..<3).map { 2 * precision[$0] * recall[$0] / (precision[$0] + recall[$0]) }

        for index in 0..<3 {
            expectClose(metrics.precision[index], precision[index], tolerance: 1e-12, "precision of class \(index)")
            expectClose(metrics.recall[index], recall[index], tolerance: 1e-12, "recall of class \(index)")
            expectClose(metrics.f1[index], f1[index], tolerance: 1e-12, "F1 of class \(index)")
        }
        // F1 by hand: 2/3, 2/5 and 4/7.
        expectClose(metrics.macroF1, (2.0 / 3.0 + 2.0 / 5.0 + 4.0 / 7.0) / 3, tolerance: 1e-12, "macro-F1")
    }

    @Test func init_whenAClassNeverOccurs_givesZeroNotNaN_andLeavesItOutOfMacroF1() {
        let metrics = ClassificationMetrics(
            predictions: [0, 1, 1, 0], labels: [0, 1, 0, 0], classNames: ["a", "b", "unused"])

        #expect(metrics.precision[2] == 0)
        #expect(metrics.recall[2] == 0)
        #expect(metrics.f1[2] == 0)
        // a: P = 2/2, R = 2/3, F1 = 0.8; b: P = 1/2, R = 1/1, F1 = 2/3.
        expectClose(metrics.macroF1, (0.8 + 2.0 / 3.0) / 2, tolerance: 1e-12, "macro over the two present classes")
        #expect(
            ([metrics.accuracy, metrics.macroF1] + metrics.precision + metrics.recall + metrics.f1).allSatisfy {
                !$0.isNaN
            })
    }

    @Test func init_whenAClassIsPredictedButNeverLabelled_hasZeroPrecisionAndRecall() {
        let metrics = ClassificationMetrics(predictions: [1, 1, 0], labels: [0, 0, 0], classNames: ["a", "b"])

        #expect(metrics.precision[1] == 0)
        #expect(metrics.recall[1] == 0)
        #expect(metrics.f1[1] == 0)
        expectClose(metrics.recall[0], 1.0 / 3.0, tolerance: 1e-12, "recall of a")
        // a: P = 1, R = 1/3, F1 = 1/2; b occurs (predicted) so it counts with F1 0.
        expectClose(metrics.macroF1, 0.25, tolerance: 1e-12, "macro over a and b")
    }

    @Test func init_withNoSamples_givesZerosEverywhere() {
        let metrics = ClassificationMetrics(predictions: [], labels: [], classNames: ["a", "b"])

        #expect(metrics.count == 0)
        #expect(metrics.accuracy == 0)
        #expect(metrics.macroF1 == 0)
        #expect(metrics.precision == [0, 0] && metrics.recall == [0, 0] && metrics.f1 == [0, 0])
        #expect(metrics.confusion == [[0, 0], [0, 0]])
    }

    @Test func jsonData_roundTrips_andNamesEveryFigure() throws {
        let metrics = ClassificationMetrics(predictions: predictions, labels: labels, classNames: names)
        let data = try metrics.jsonData()
        let text = String(decoding: data, as: UTF8.self)

        #expect(try ClassificationMetrics.decoded(from: data) == metrics)
        for key in ["accuracy", "classNames", "confusion", "count", "f1", "macroF1", "precision", "recall"] {
            #expect(text.contains("\"\(key)\""), "missing \(key) in \(text)")
        }
    }

    @Test func writeJSON_writesAFileThatDecodes() throws {
        let metrics = ClassificationMetrics(predictions: predictions, labels: labels, classNames: names)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "glare-metrics-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try metrics.writeJSON(to: url)

        #expect(try ClassificationMetrics.decoded(from: Data(contentsOf: url)) == metrics)
    }
}

@Suite struct ClassificationMetricsReportTests {
    @Test func textReport_listsEveryClassWithItsFigures() {
        let metrics = ClassificationMetrics(
            predictions: [0, 1, 1, 0], labels: [0, 1, 0, 0], classNames: ["happy", "sad", "contempt"])
        let lines = metrics.textReport().split(separator: "\n").map(String.init)

        #expect(metrics.support == [3, 1, 0])
        #expect(lines.count == 5, "\(lines)")
        #expect(lines[1].hasPrefix("   happy") && lines[1].hasSuffix("0.8000          3"), "\(lines[1])")
        #expect(lines[3].contains("0.0000") && lines[3].hasSuffix(" 0"), "\(lines[3])")
        #expect(lines[4] == "accuracy 0.7500, macro-F1 0.7333, 4 samples")
    }
}
