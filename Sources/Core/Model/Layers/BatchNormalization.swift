/// Batch normalisation over every row of a batch (for graph data: over all nodes of all samples),
/// per feature, as PyTorch's `BatchNorm1d` on `[batch * nodes, features]`.
///
/// Training: `mu = mean_rows x`, `var = mean_rows (x - mu)^2`, `x̂ = (x - mu) / sqrt(var + eps)`,
/// `y = gamma x̂ + beta`; the running statistics move by `momentum` towards `mu` and the unbiased
/// variance. Evaluation: the running statistics replace `mu` and `var`.
/// Shapes: `x`, `y` are `[..., features]`; `gamma`, `beta`, running statistics are `[features]`.
/// Backward (training): `dgamma = sum dy x̂`, `dbeta = sum dy`,
/// `dx = gamma / sqrt(var + eps) * (dy - mean(dy) - x̂ mean(dy x̂))`.
public final class BatchNormalization: Layer {
    /// `gamma`, `[features]`, starts at 1.
    public let scale: Parameter
    /// `beta`, `[features]`, starts at 0.
    public let shift: Parameter
    /// The running mean, `[features]`.
    public let runningMean: Tensor
    /// The running (unbiased) variance, `[features]`.
    public let runningVariance: Tensor
    /// The weight of the newest batch in the running statistics.
    public let momentum: Float
    /// Added to the variance before the square root.
    public let epsilon: Float

    private let prefix: String
    private let normalized = Tensor(shape: [0])
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private let inverseDeviation: Tensor
    private let mean: Tensor
    private var trainedLastForward = true

    /// Creates a layer for `features` features.
    public init(name: String, features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        prefix = name
        scale = Parameter(name: name + ".weight", value: Tensor(shape: [features], repeating: 1))
        shift = Parameter(name: name + ".bias", value: Tensor(shape: [features]))
        runningMean = Tensor(shape: [features])
        runningVariance = Tensor(shape: [features], repeating: 1)
        inverseDeviation = Tensor(shape: [features])
        mean = Tensor(shape: [features])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// `gamma` and `beta`.
    public var parameters: [Parameter] { [scale, shift] }

    /// The running mean and variance.
    public var buffers: [(name: String, tensor: Tensor)] {
        [(prefix + ".running_mean", runningMean), (prefix + ".running_var", runningVariance)]
    }

    /// Normalises `input`.
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        let features = scale.value.count
        precondition(input.columns == features, "batch norm expects \(features) features, got \(input.shape)")
        let rows = input.rows
        output.resize(input.shape)
        normalized.resize(input.shape)
        trainedLastForward = context.training
        let source = input.pointer
        let mean = mean.pointer
        let inverse = inverseDeviation.pointer

        if context.training {
            TensorLoops.columnSums(source, rows: rows, columns: features, into: mean)
            for feature in 0..<features { mean[feature] /= Float(rows) }
            let variance = output.pointer  // the first row of the output is free until the last step
            variance.update(repeating: 0, count: features)
            for row in 0..<rows {
                let values = source + row * features
                for feature in 0..<features {
                    let centred = values[feature] - mean[feature]
                    variance[feature] += centred * centred
                }
            }
            let unbiasing = rows > 1 ? Float(rows) / Float(rows - 1) : 1
            for feature in 0..<features {
                let batchVariance = variance[feature] / Float(rows)
                inverse[feature] = 1 / (batchVariance + epsilon).squareRoot()
                runningMean[feature] = (1 - momentum) * runningMean[feature] + momentum * mean[feature]
                runningVariance[feature] =
                    (1 - momentum) * runningVariance[feature] + momentum * batchVariance * unbiasing
            }
        } else {
            for feature in 0..<features {
                mean[feature] = runningMean[feature]
                inverse[feature] = 1 / (runningVariance[feature] + epsilon).squareRoot()
            }
        }

        let gamma = scale.value.pointer
        let beta = shift.value.pointer
        for row in 0..<rows {
            let values = source + row * features
            let hat = normalized.pointer + row * features
            let target = output.pointer + row * features
            for feature in 0..<features {
                let normalizedValue = (values[feature] - mean[feature]) * inverse[feature]
                hat[feature] = normalizedValue
                target[feature] = gamma[feature] * normalizedValue + beta[feature]
            }
        }
        return output
    }

    /// Sets `dgamma`, `dbeta` and returns `dx`.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        let features = scale.value.count
        let rows = outputGradient.rows
        inputGradient.resize(outputGradient.shape)
        let gradient = outputGradient.pointer
        let sumGradient = shift.gradient.pointer
        let sumGradientTimesHat = scale.gradient.pointer
        sumGradient.update(repeating: 0, count: features)
        sumGradientTimesHat.update(repeating: 0, count: features)
        for row in 0..<rows {
            let values = gradient + row * features
            let hat = normalized.pointer + row * features
            for feature in 0..<features {
                sumGradient[feature] += values[feature]
                sumGradientTimesHat[feature] += values[feature] * hat[feature]
            }
        }

        let gamma = scale.value.pointer
        let inverse = inverseDeviation.pointer
        if !trainedLastForward {
            // The statistics were constants: dx = gamma / sigma * dy.
            for row in 0..<rows {
                let values = gradient + row * features
                let target = inputGradient.pointer + row * features
                for feature in 0..<features { target[feature] = gamma[feature] * inverse[feature] * values[feature] }
            }
            return inputGradient
        }
        let count = Float(rows)
        for row in 0..<rows {
            let values = gradient + row * features
            let hat = normalized.pointer + row * features
            let target = inputGradient.pointer + row * features
            for feature in 0..<features {
                let centred =
                    values[feature] - sumGradient[feature] / count
                    - hat[feature] * sumGradientTimesHat[feature] / count
                target[feature] = gamma[feature] * inverse[feature] * centred
            }
        }
        return inputGradient
    }
}
