/// Adam (Kingma and Ba) with either coupled L2 weight decay (`adam`, as PyTorch's `Adam`) or
/// decoupled weight decay (`adamw`, Loshchilov and Hutter, as PyTorch's `AdamW`).
///
/// For each parameter `p` with gradient `g` at step `t`:
/// `adam`: `g += lambda p`; `adamw`: `p -= lr lambda p`; then `m = b1 m + (1 - b1) g`,
/// `v = b2 v + (1 - b2) g^2`, `p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)`.
public final class Optimizer {
    /// Which decay rule.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// L2 decay added to the gradient.
        case adam
        /// Decoupled decay applied to the weights.
        case adamw
    }

    /// The settings.
    public struct Settings: Codable, Sendable, Equatable {
        /// The rule.
        public var kind: Kind = .adam
        /// Weight decay `lambda`.
        public var weightDecay: Float = 1e-4
        /// First-moment decay `b1`.
        public var beta1: Float = 0.9
        /// Second-moment decay `b2`.
        public var beta2: Float = 0.999
        /// Added to the denominator.
        public var epsilon: Float = 1e-8

        /// PyTorch's defaults with the peer's weight decay 1e-4.
        public init() {}
    }

    /// The settings.
    public let settings: Settings
    /// The parameters it updates, in order.
    public let parameters: [Parameter]
    /// The first moments `m`, one per parameter.
    public let firstMoments: [Tensor]
    /// The second moments `v`, one per parameter.
    public let secondMoments: [Tensor]
    /// The number of steps taken.
    public var step = 0

    /// Creates an optimiser with zero moments.
    public init(parameters: [Parameter], settings: Settings) {
        self.parameters = parameters
        self.settings = settings
        firstMoments = parameters.map { Tensor(shape: $0.value.shape) }
        secondMoments = parameters.map { Tensor(shape: $0.value.shape) }
    }

    /// Takes one step with learning rate `learningRate` using the parameters' current gradients.
    public func update(learningRate: Float) {
        step += 1
        let beta1 = settings.beta1
        let beta2 = settings.beta2
        let firstCorrection = 1 - powf(beta1, Float(step))
        let secondCorrection = 1 - powf(beta2, Float(step))
        let stepSize = learningRate / firstCorrection
        let inverseSecondCorrection = 1 / secondCorrection.squareRoot()
        let coupledDecay = settings.kind == .adam ? settings.weightDecay : 0
        let decoupledFactor = settings.kind == .adamw ? 1 - learningRate * settings.weightDecay : 1
        let epsilon = settings.epsilon
        for (index, parameter) in parameters.enumerated() {
            let value = parameter.value.pointer
            let gradient = parameter.gradient.pointer
            let first = firstMoments[index].pointer
            let second = secondMoments[index].pointer
            let count = parameter.value.count
            // The same operations eight lanes at a time (the pointers may alias as far as the
            // compiler knows, so it does not vectorise the scalar loop), then the tail.
            var element = 0
            while element + Vector.width <= count {
                let grad = Vector.load(gradient, element) + coupledDecay * Vector.load(value, element)
                let newFirst = beta1 * Vector.load(first, element) + (1 - beta1) * grad
                let newSecond = beta2 * Vector.load(second, element) + (1 - beta2) * grad * grad
                Vector.store(newFirst, first, element)
                Vector.store(newSecond, second, element)
                let denominator = newSecond.squareRoot() * inverseSecondCorrection + epsilon
                let updated = Vector.load(value, element) * decoupledFactor - stepSize * newFirst / denominator
                Vector.store(updated, value, element)
                element += Vector.width
            }
            for element in element..<count {
                let grad = gradient[element] + coupledDecay * value[element]
                first[element] = beta1 * first[element] + (1 - beta1) * grad
                second[element] = beta2 * second[element] + (1 - beta2) * grad * grad
                let denominator = second[element].squareRoot() * inverseSecondCorrection + epsilon
                value[element] = value[element] * decoupledFactor - stepSize * first[element] / denominator
            }
        }
    }

    /// Scales every gradient so that their joint L2 norm is at most `maximumNorm`; returns the norm
    /// before clipping.
    @discardableResult
    public static func clipGradients(of parameters: [Parameter], maximumNorm: Float) -> Float {
        var squares: Double = 0
        for parameter in parameters {
            let gradient = parameter.gradient.pointer
            var partial: Float = 0
            for element in 0..<parameter.gradient.count { partial += gradient[element] * gradient[element] }
            squares += Double(partial)
        }
        let norm = Float(squares.squareRoot())
        guard norm > maximumNorm, norm > 0 else { return norm }
        let scale = maximumNorm / norm
        for parameter in parameters {
            let gradient = parameter.gradient.pointer
            for element in 0..<parameter.gradient.count { gradient[element] *= scale }
        }
        return norm
    }
}

#if canImport(Glibc)
    import Glibc
#endif
