import Foundation

/// Softmax cross-entropy with optional class weights, averaged as PyTorch's `cross_entropy` does:
/// `L = sum_b w[y_b] (-log softmax(z_b)[y_b]) / sum_b w[y_b]` (all weights 1 without class weights).
///
/// Shapes: logits `z` are `[batch, classes]`, labels `[batch]`. Gradient:
/// `dz_b = w[y_b] (softmax(z_b) - onehot(y_b)) / sum_b w[y_b]`.
public final class SoftmaxCrossEntropy {
    /// Per-class weights, or nil for equal weights.
    public let classWeights: [Float]?
    private let gradient = Tensor(shape: [0])

    /// Creates the loss.
    public init(classWeights: [Float]? = nil) {
        self.classWeights = classWeights
    }

    /// The loss of `logits` against `labels` and its gradient with respect to the logits
    /// (a tensor the loss owns, valid until the next call).
    public func evaluate(logits: Tensor, labels: ArraySlice<Int>) -> (loss: Float, gradient: Tensor) {
        let batch = logits.shape[0]
        let classes = logits.shape[1]
        precondition(labels.count == batch, "\(labels.count) labels for \(batch) samples")
        gradient.resize(logits.shape)
        var totalWeight: Double = 0
        var totalLoss: Double = 0
        for (sample, label) in zip(0..<batch, labels) {
            precondition((0..<classes).contains(label), "label \(label) outside 0..<\(classes)")
            let row = logits.pointer + sample * classes
            let target = gradient.pointer + sample * classes
            var largest = row[0]
            for index in 1..<classes { largest = max(largest, row[index]) }
            var sum: Float = 0
            for index in 0..<classes {
                target[index] = expf(row[index] - largest)
                sum += target[index]
            }
            let weight = classWeights?[label] ?? 1
            totalWeight += Double(weight)
            totalLoss += Double(weight) * Double(logf(sum) - (row[label] - largest))
            for index in 0..<classes { target[index] = weight * target[index] / sum }
            target[label] -= weight
        }
        let scale = totalWeight > 0 ? Float(1 / totalWeight) : 0
        for index in 0..<gradient.count { gradient[index] *= scale }
        return (Float(totalLoss / max(totalWeight, .leastNonzeroMagnitude)), gradient)
    }

    /// Softmax of each row of `logits` (`[batch, classes]`) into `probabilities`.
    public static func softmax(
        _ logits: UnsafePointer<Float>, into probabilities: UnsafeMutablePointer<Float>, rows: Int, classes: Int
    ) {
        for sample in 0..<rows {
            let row = logits + sample * classes
            let target = probabilities + sample * classes
            var largest = row[0]
            for index in 1..<classes { largest = max(largest, row[index]) }
            var sum: Float = 0
            for index in 0..<classes {
                target[index] = expf(row[index] - largest)
                sum += target[index]
            }
            for index in 0..<classes { target[index] /= sum }
        }
    }
}
