import Foundation

/// The rectified linear unit, element-wise: `y = max(x, 0)`; backward `dx = dy * [x > 0]`.
/// Shapes: `y` and `x` alike, any shape.
public final class ReLU: Layer {
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    /// Creates the layer.
    public init() {}

    /// `max(x, 0)`.
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        output.resize(input.shape)
        let source = input.pointer
        let target = output.pointer
        for index in 0..<input.count { target[index] = max(source[index], 0) }
        return output
    }

    /// `dy` where the output is positive, else 0.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        inputGradient.resize(outputGradient.shape)
        let gradient = outputGradient.pointer
        let result = output.pointer
        let target = inputGradient.pointer
        for index in 0..<outputGradient.count { target[index] = result[index] > 0 ? gradient[index] : 0 }
        return inputGradient
    }
}

/// The exponential linear unit, element-wise: `y = x` for `x > 0`, else `alpha (e^x - 1)`;
/// backward `dx = dy` for `x > 0`, else `dy (y + alpha)`. Shapes: `y` and `x` alike.
public final class ELU: Layer {
    /// The saturation value's magnitude for very negative inputs.
    public let alpha: Float
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    /// Creates the layer.
    public init(alpha: Float = 1) {
        self.alpha = alpha
    }

    /// `x` or `alpha (e^x - 1)`.
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        output.resize(input.shape)
        let source = input.pointer
        let target = output.pointer
        for index in 0..<input.count {
            let value = source[index]
            target[index] = value > 0 ? value : alpha * (expf(value) - 1)
        }
        return output
    }

    /// `dy` or `dy (y + alpha)`.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        inputGradient.resize(outputGradient.shape)
        let gradient = outputGradient.pointer
        let result = output.pointer
        let target = inputGradient.pointer
        for index in 0..<outputGradient.count {
            target[index] = result[index] > 0 ? gradient[index] : gradient[index] * (result[index] + alpha)
        }
        return inputGradient
    }
}
