import Testing

@testable import Core

/// Central finite differences against hand-written gradients, shared by every layer test.
///
/// The loss is `L = sum(output * R)` for a fixed random `R`, accumulated in Double, so `dL/dY = R`.
/// Each checked element `v` of a tensor is moved by `+-step` and `(L+ - L-) / (2 step)` is compared
/// with the analytic gradient; they agree when `|analytic - numeric| <= absoluteTolerance +
/// relativeTolerance * |numeric|`. Float forward passes limit the attainable precision, hence
/// tolerances of a few parts in a thousand with steps of 1e-2 to 1e-3.
struct GradientChecker {
    /// The perturbation.
    var step: Float = 1e-2
    /// The absolute part of the tolerance.
    var absoluteTolerance: Double = 3e-3
    /// The relative part of the tolerance.
    var relativeTolerance: Double = 2e-2
    /// At most this many elements of each tensor are checked (evenly spread).
    var elementsPerTensor = 24

    /// Checks `analytic` (the gradient of `loss` with respect to `tensor`, copied before calling)
    /// by perturbing `tensor` in place; records an issue naming `name` for each disagreement.
    func check(
        _ name: String, tensor: Tensor, analytic: [Float], loss: () throws -> Double,
        sourceLocation: SourceLocation = #_sourceLocation
    ) rethrows {
        #expect(
            analytic.count == tensor.count, "\(name): gradient has \(analytic.count) elements, tensor \(tensor.count)")
        let stride = max(1, tensor.count / elementsPerTensor)
        var failures = 0
        for index in Swift.stride(from: 0, to: tensor.count, by: stride) {
            let original = tensor[index]
            tensor[index] = original + step
            let plus = try loss()
            tensor[index] = original - step
            let minus = try loss()
            tensor[index] = original
            let numeric = (plus - minus) / (2 * Double(step))
            let observed = Double(analytic[index])
            let allowed = absoluteTolerance + relativeTolerance * abs(numeric)
            if !(abs(observed - numeric) <= allowed) {
                failures += 1
                if failures <= 3 {
                    let message =
                        "\(name)[\(index)]: input \(original), expected (finite difference) \(numeric) +- \(allowed), "
                        + "observed (backward) \(observed)"
                    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// Checks a layer's input gradient and every parameter gradient at `input`. The context's
    /// generator is reset before every forward pass so dropout masks repeat.
    func checkLayer(
        _ layer: any Layer, input: Tensor, training: Bool = true, seed: UInt64 = 7,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var context = LayerContext(training: training, generator: Core.SeededGenerator(seed: seed))
        let output = try layer.forward(input, context: &context)
        var generator = Core.SeededGenerator(seed: 99)
        let weights = Tensor(shape: output.shape, values: (0..<output.count).map { _ in generator.nextGaussian() })
        let inputGradient = try layer.backward(weights).values
        let parameterGradients = layer.parameters.map(\.gradient.values)

        func loss() throws -> Double {
            var context = LayerContext(training: training, generator: Core.SeededGenerator(seed: seed))
            let output = try layer.forward(input, context: &context)
            var sum: Double = 0
            for index in 0..<output.count { sum += Double(output[index]) * Double(weights[index]) }
            return sum
        }
        try check("input", tensor: input, analytic: inputGradient, loss: loss, sourceLocation: sourceLocation)
        for (parameter, gradient) in zip(layer.parameters, parameterGradients) {
            try check(
                parameter.name, tensor: parameter.value, analytic: gradient, loss: loss, sourceLocation: sourceLocation)
        }
    }

    /// A tensor of `shape` with values drawn from N(0, 1), kept at least `margin` away from 0
    /// so that finite differences do not straddle a ReLU's kink.
    static func randomTensor(_ shape: [Int], seed: UInt64, margin: Float = 0) -> Tensor {
        var generator = Core.SeededGenerator(seed: seed)
        let tensor = Tensor(shape: shape)
        for index in 0..<tensor.count {
            let value = generator.nextGaussian()
            tensor[index] = value >= 0 ? value + margin : value - margin
        }
        return tensor
    }
}
