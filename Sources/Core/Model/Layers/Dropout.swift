/// Inverted dropout: in training each element is kept with probability `1 - p` and scaled by
/// `1 / (1 - p)`, else zeroed; in evaluation `y = x`. Backward multiplies `dy` by the same mask.
/// Shapes: `y` and `x` alike. The mask comes from the context's seeded generator, 16 random bits
/// an element, so a seed repeats the same masks.
public final class Dropout: Layer {
    /// The probability of zeroing an element.
    public let probability: Float
    private let mask = Tensor(shape: [0])
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private var maskedLastForward = false

    /// Creates the layer; `probability` must be in [0, 1).
    public init(probability: Float) {
        precondition(probability >= 0 && probability < 1, "dropout probability \(probability) outside [0, 1)")
        self.probability = probability
    }

    /// Applies a fresh mask in training, nothing in evaluation.
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        maskedLastForward = context.training && probability > 0
        guard maskedLastForward else { return input }
        output.resize(input.shape)
        mask.resize(input.shape)
        let threshold = UInt64((probability * 65536).rounded())
        let keptScale = 1 / (1 - probability)
        let count = input.count
        let maskValues = mask.pointer
        var index = 0
        while index < count {
            var bits = context.generator.next()
            for _ in 0..<4 where index < count {
                maskValues[index] = (bits & 0xFFFF) >= threshold ? keptScale : 0
                bits >>= 16
                index += 1
            }
        }
        let source = input.pointer
        let target = output.pointer
        for position in 0..<count { target[position] = source[position] * maskValues[position] }
        return output
    }

    /// `dy` times the last mask.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        guard maskedLastForward else { return outputGradient }
        inputGradient.resize(outputGradient.shape)
        let source = outputGradient.pointer
        let maskValues = mask.pointer
        let target = inputGradient.pointer
        for index in 0..<outputGradient.count { target[index] = source[index] * maskValues[index] }
        return inputGradient
    }
}
