/// A learned embedding per node concatenated to each node's input features:
/// `Y[b, n] = concat(X[b, n], E[n])`.
///
/// Shapes: `X` is `[batch, nodes, inputFeatures]`, `E` is `[nodes, embeddingSize]`,
/// `Y` is `[batch, nodes, inputFeatures + embeddingSize]`. Backward: `dE[n] = sum_b dY[b, n, inputFeatures...]`,
/// `dX` the first `inputFeatures` columns of `dY`.
public final class PositionalEmbedding: Layer {
    /// `E`, `[nodes, embeddingSize]`, drawn from `N(0, 0.1^2)` as the peer does.
    public let embedding: Parameter
    /// The number of input features per node.
    public let inputFeatures: Int
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    /// Creates an embedding of `embeddingSize` features for each of `nodes` nodes.
    public init(name: String, nodes: Int, inputFeatures: Int, embeddingSize: Int, generator: inout SeededGenerator) {
        embedding = Parameter(
            name: name,
            value: Initialization.gaussian(
                shape: [nodes, embeddingSize], standardDeviation: 0.1, generator: &generator))
        self.inputFeatures = inputFeatures
    }

    /// `E`.
    public var parameters: [Parameter] { [embedding] }

    private var nodes: Int { embedding.value.shape[0] }
    private var embeddingSize: Int { embedding.value.shape[1] }

    /// Appends `E[n]` to every node's features.
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        precondition(input.shape.count == 3 && input.shape[1] == nodes && input.shape[2] == inputFeatures)
        let batch = input.shape[0]
        let width = inputFeatures + embeddingSize
        output.resize([batch, nodes, width])
        for row in 0..<batch * nodes {
            let target = output.pointer + row * width
            target.update(from: input.pointer + row * inputFeatures, count: inputFeatures)
            (target + inputFeatures).update(
                from: embedding.value.pointer + (row % nodes) * embeddingSize, count: embeddingSize)
        }
        return output
    }

    /// Sets `dE` and returns `dX`.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        let batch = outputGradient.shape[0]
        let width = inputFeatures + embeddingSize
        inputGradient.resize([batch, nodes, inputFeatures])
        let gradient = embedding.gradient.pointer
        embedding.gradient.fill(0)
        for row in 0..<batch * nodes {
            let source = outputGradient.pointer + row * width
            (inputGradient.pointer + row * inputFeatures).update(from: source, count: inputFeatures)
            let target = gradient + (row % nodes) * embeddingSize
            for feature in 0..<embeddingSize { target[feature] += source[inputFeatures + feature] }
        }
        return inputGradient
    }
}
