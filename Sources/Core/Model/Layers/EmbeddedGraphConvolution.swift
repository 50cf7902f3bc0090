/// The first graph convolution of a network whose input is `concat(X, E)`: x, y, z per node next to
/// a learned per-node embedding `E`, computed without building the concatenation.
///
/// `Y_b = Â [X_b, E] W + b = (Â X_b) W_x + (Â E W_e + b)`, where `W = [W_x; W_e]` splits into
/// the rows for the 3 coordinates and the rows for the embedding. The second term is the same
/// for every sample, so it is computed once a batch, and the per-sample transform has 3 inputs
/// instead of `3 + embeddingSize`. Results equal `PositionalEmbedding` then `GraphConvolution`.
///
/// Shapes: `X` `[batch, nodes, 3]`, `E` `[nodes, embeddingSize]`, `W` `[3 + embeddingSize, F]`,
/// `Y` `[batch, nodes, F]`. Backward, with `G = sum_b dY_b`: `db = sum dY`,
/// `dW_x = sum_b (Â X_b)^T dY_b`, `dW_e = (Â E)^T G`, `dE = Â^T G W_e^T`, `dX_b = Â^T dY_b W_x^T`.
public final class EmbeddedGraphConvolution: Layer {
    /// `E`, `[nodes, embeddingSize]`.
    public let embedding: Parameter
    /// `W`, `[inputFeatures + embeddingSize, outputFeatures]`.
    public let weight: Parameter
    /// `b`, `[outputFeatures]`.
    public let bias: Parameter
    /// `Â`.
    public let adjacency: SparseMatrix
    /// The per-node input features (3).
    public let inputFeatures: Int
    /// Whether `backward` computes `dX` (a network's input needs none).
    public var computesInputGradient = false

    private let transposedAdjacency: SparseMatrix
    private let aggregatedInput = Tensor(shape: [0])
    private let aggregatedEmbedding: Tensor
    private let gradientSum: Tensor
    private let embeddingProduct: Tensor
    private let output = Tensor(shape: [0])
    private var threads = 1
    private let inputGradient = Tensor(shape: [0])
    private let inputGradientBeforeAggregation = Tensor(shape: [0])

    /// Creates the layer; `E` is drawn from `N(0, 0.1^2)` before `W` is drawn Glorot-uniform, in the
    /// order `PositionalEmbedding` and `GraphConvolution` draw them.
    public init(
        embeddingName: String, convolutionName: String, inputFeatures: Int, embeddingSize: Int, outputFeatures: Int,
        normalizedAdjacency: SparseMatrix, generator: inout SeededGenerator
    ) {
        let nodes = normalizedAdjacency.rowCount
        embedding = Parameter(
            name: embeddingName,
            value: Initialization.gaussian(
                shape: [nodes, embeddingSize], standardDeviation: 0.1, generator: &generator))
        weight = Parameter(
            name: convolutionName + ".weight",
            value: Initialization.glorotUniform(
                rows: inputFeatures + embeddingSize, columns: outputFeatures, generator: &generator))
        bias = Parameter(name: convolutionName + ".bias", value: Tensor(shape: [outputFeatures]))
        adjacency = normalizedAdjacency
        transposedAdjacency = normalizedAdjacency.transposed()
        self.inputFeatures = inputFeatures
        aggregatedEmbedding = Tensor(shape: [nodes, embeddingSize])
        gradientSum = Tensor(shape: [nodes, outputFeatures])
        embeddingProduct = Tensor(shape: [nodes, max(outputFeatures, embeddingSize)])
    }

    /// `E`, `W` and `b`.
    public var parameters: [Parameter] { [embedding, weight, bias] }

    private var nodes: Int { adjacency.rowCount }
    private var embeddingSize: Int { embedding.value.shape[1] }
    private var outputFeatures: Int { weight.value.shape[1] }

    /// `Y_b = (Â X_b) W_x + (Â E W_e + b)`.
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        threads = context.threads
        precondition(input.shape.count == 3 && input.shape[1] == nodes && input.shape[2] == inputFeatures)
        let batch = input.shape[0]
        let features = outputFeatures
        aggregatedInput.resize(input.shape)
        adjacency.apply(
            to: input.pointer, into: aggregatedInput.pointer, batch: batch, features: inputFeatures, threads: threads)

        // The shared term Â E W_e + b, once a batch, in the first `nodes` rows of the output.
        adjacency.apply(
            to: embedding.value.pointer, into: aggregatedEmbedding.pointer, batch: 1, features: embeddingSize)
        output.resize([batch, nodes, features])
        TensorLoops.broadcast(bias.value.pointer, into: output.pointer, rows: nodes, columns: features)
        try BLAS.multiply(
            .none, aggregatedEmbedding.pointer, leadingA: embeddingSize, .none,
            weight.value.pointer + inputFeatures * features,
            leadingB: features, into: output.pointer, leadingC: features, rows: nodes, columns: features,
            inner: embeddingSize, beta: 1)
        for sample in 1..<max(batch, 1) {
            (output.pointer + sample * nodes * features).update(from: output.pointer, count: nodes * features)
        }

        try BLAS.multiply(
            .none, aggregatedInput.pointer, leadingA: inputFeatures, .none, weight.value.pointer, leadingB: features,
            into: output.pointer, leadingC: features, rows: batch * nodes, columns: features, inner: inputFeatures,
            beta: 1)
        return output
    }

    /// Sets `dE`, `dW`, `db` and returns `dX` when asked to.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        let batch = outputGradient.shape[0]
        let features = outputFeatures
        let rows = batch * nodes
        TensorLoops.columnSums(outputGradient.pointer, rows: rows, columns: features, into: bias.gradient.pointer)
        gradientSum.fill(0)
        for sample in 0..<batch {
            TensorLoops.add(
                outputGradient.pointer + sample * nodes * features, into: gradientSum.pointer, count: nodes * features)
        }

        try BLAS.multiply(
            .transposed, aggregatedInput.pointer, leadingA: inputFeatures, .none, outputGradient.pointer,
            leadingB: features, into: weight.gradient.pointer, leadingC: features, rows: inputFeatures,
            columns: features, inner: rows)
        try BLAS.multiply(
            .transposed, aggregatedEmbedding.pointer, leadingA: embeddingSize, .none, gradientSum.pointer,
            leadingB: features, into: weight.gradient.pointer + inputFeatures * features, leadingC: features,
            rows: embeddingSize, columns: features, inner: nodes)
        try BLAS.multiply(
            .none, gradientSum.pointer, leadingA: features, .transposed,
            weight.value.pointer + inputFeatures * features,
            leadingB: features, into: embeddingProduct.pointer, leadingC: embeddingSize, rows: nodes,
            columns: embeddingSize, inner: features)
        transposedAdjacency.apply(
            to: embeddingProduct.pointer, into: embedding.gradient.pointer, batch: 1, features: embeddingSize)

        inputGradient.resize([batch, nodes, inputFeatures])
        guard computesInputGradient else { return inputGradient }
        inputGradientBeforeAggregation.resize([batch, nodes, inputFeatures])
        try BLAS.multiply(
            .none, outputGradient.pointer, leadingA: features, .transposed, weight.value.pointer, leadingB: features,
            into: inputGradientBeforeAggregation.pointer, leadingC: inputFeatures, rows: rows, columns: inputFeatures,
            inner: features)
        transposedAdjacency.apply(
            to: inputGradientBeforeAggregation.pointer, into: inputGradient.pointer, batch: batch,
            features: inputFeatures)
        return inputGradient
    }
}
