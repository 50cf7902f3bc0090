import Foundation

extension ClassificationMetrics {
    /// Per class: how many samples carry that label (the confusion matrix's row sums).
    public var support: [Int] { confusion.map { $0.reduce(0, +) } }

    /// A plain-text table for logs and people: one line per class with precision, recall, F1 and
    /// support, then accuracy and macro-F1 over all samples.
    public func textReport() -> String {
        let nameWidth = max(5, classNames.map(\.count).max() ?? 0)
        func padded(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        func figure(_ value: Double) -> String { String(format: "%.4f", value) }

        var lines = [
            padded("class", nameWidth) + "  precision     recall         f1    support"
        ]
        for index in classNames.indices {
            lines.append(
                padded(classNames[index], nameWidth) + padded(figure(precision[index]), 11)
                    + padded(figure(recall[index]), 11) + padded(figure(f1[index]), 11)
                    + padded(String(support[index]), 11))
        }
        lines.append("accuracy \(figure(accuracy)), macro-F1 \(figure(macroF1)), \(count) samples")
        return lines.joined(separator: "\n")
    }
}
