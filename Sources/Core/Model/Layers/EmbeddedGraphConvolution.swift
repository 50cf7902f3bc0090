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
    private let sharedTerm: Tensor
    private let chunkSums = Tensor(shape: [0])
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
        sharedTerm = Tensor(shape: [nodes, outputFeatures])
        embeddingProduct = Tensor(shape: [nodes, max(outputFeatures, embeddingSize)])
    }

    /// `E`, `W` and `b`.
    public var parameters: [Parameter] { [embedding, weight, bias] }

    private var nodes: Int { adjacency.rowCount }
    private var embeddingSize: Int { embedding.value.shape[1] }
    private var outputFeatures: Int { weight.value.shape[1] }

    /// `Y_b = (Â X_b) W_x + (Â E W_e + b)`.
    ///
    /// The shared term is computed once; then each output row is that term's row plus the few
    /// products of its aggregated input, written once (a product with 3 inner terms is too narrow
    /// for sgemm to pay for packing the output).
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        try forward(input, context: &context, activation: nil)
    }

    /// `forward`, then `Y = max(Y m + o, 0)` per feature as each row is written when `activation`
    /// is `(m, o)` (inference with the block's BatchNorm and ReLU; the same bits as applying them after).
    /// With `statistics`, also writes the `BatchStatistics` partial result of each group of
    /// `GraphConvolution.samplesPerTransform` samples' rows there, while they are in cache.
    func forward(
        _ input: Tensor, context: inout LayerContext, activation: GraphConvolution.Activation?,
        statistics: UnsafeMutablePointer<Float>? = nil
    ) throws(BLASError) -> Tensor {
        threads = context.threads
        precondition(input.shape.count == 3 && input.shape[1] == nodes && input.shape[2] == inputFeatures)
        let batch = input.shape[0]
        let features = outputFeatures
        aggregatedInput.resize(input.shape)
        adjacency.apply(
            to: input.pointer, into: aggregatedInput.pointer, batch: batch, features: inputFeatures, threads: threads)

        // The shared term Â E W_e + b, once a batch.
        adjacency.apply(
            to: embedding.value.pointer, into: aggregatedEmbedding.pointer, batch: 1, features: embeddingSize)
        TensorLoops.broadcast(bias.value.pointer, into: sharedTerm.pointer, rows: nodes, columns: features)
        try BLAS.multiply(
            .none, aggregatedEmbedding.pointer, leadingA: embeddingSize, .none,
            weight.value.pointer + inputFeatures * features,
            leadingB: features, into: sharedTerm.pointer, leadingC: features, rows: nodes, columns: features,
            inner: embeddingSize, beta: 1)

        output.resize([batch, nodes, features])
        let shared = UnsafePointer(sharedTerm.pointer)
        let aggregated = UnsafePointer(aggregatedInput.pointer)
        let weights = UnsafePointer(weight.value.pointer)
        let target = output.pointer
        let inputs = inputFeatures
        let nodes = nodes
        let groupSize = GraphConvolution.samplesPerTransform
        Parallel.run(count: (batch + groupSize - 1) / groupSize, threads: threads) { _, groups in
            for group in groups {
                let first = group * groupSize
                let samples = min(groupSize, batch - first)
                for sample in first..<first + samples {
                    for node in 0..<nodes {
                        let row = sample * nodes + node
                        Self.transformRow(
                            coordinates: aggregated + row * inputs, inputs: inputs, weights: weights,
                            shared: shared + node * features, into: target + row * features, features: features,
                            activation: activation)
                    }
                }
                if let statistics {
                    BatchStatistics.accumulate(
                        target + first * nodes * features, count: samples * nodes, features: features,
                        into: statistics + group * 3 * features)
                }
            }
        }
        return output
    }

    /// `target += Z^T G` for one sample's aggregated input `Z` (`[nodes, inputs]`) and gradient `G`
    /// (`[nodes, features]`). For 3 inputs, 32 features at a time with the 12 sums in registers
    /// across all nodes; each sum still adds the nodes in order.
    @inline(__always)
    private static func accumulateWeightGradient(
        coordinates: UnsafePointer<Float>, gradient: UnsafePointer<Float>, nodes: Int, inputs: Int, features: Int,
        into target: UnsafeMutablePointer<Float>
    ) {
        var start = 0
        if inputs == 3 {
            while start + 4 * Vector.width <= features {
                let (x, y, z) = (target + start, target + features + start, target + 2 * features + start)
                var (x0, x1, x2, x3) = (Vector.load(x, 0), Vector.load(x, 8), Vector.load(x, 16), Vector.load(x, 24))
                var (y0, y1, y2, y3) = (Vector.load(y, 0), Vector.load(y, 8), Vector.load(y, 16), Vector.load(y, 24))
                var (z0, z1, z2, z3) = (Vector.load(z, 0), Vector.load(z, 8), Vector.load(z, 16), Vector.load(z, 24))
                for node in 0..<nodes {
                    let row = gradient + node * features + start
                    let (g0, g1, g2, g3) = (
                        Vector.load(row, 0), Vector.load(row, 8), Vector.load(row, 16), Vector.load(row, 24)
                    )
                    let (cx, cy, cz) = (coordinates[node * 3], coordinates[node * 3 + 1], coordinates[node * 3 + 2])
                    (x0, x1, x2, x3) = (x0 + cx * g0, x1 + cx * g1, x2 + cx * g2, x3 + cx * g3)
                    (y0, y1, y2, y3) = (y0 + cy * g0, y1 + cy * g1, y2 + cy * g2, y3 + cy * g3)
                    (z0, z1, z2, z3) = (z0 + cz * g0, z1 + cz * g1, z2 + cz * g2, z3 + cz * g3)
                }
                Vector.store(x0, x, 0)
                Vector.store(x1, x, 8)
                Vector.store(x2, x, 16)
                Vector.store(x3, x, 24)
                Vector.store(y0, y, 0)
                Vector.store(y1, y, 8)
                Vector.store(y2, y, 16)
                Vector.store(y3, y, 24)
                Vector.store(z0, z, 0)
                Vector.store(z1, z, 8)
                Vector.store(z2, z, 16)
                Vector.store(z3, z, 24)
                start += 4 * Vector.width
            }
        }
        for node in 0..<nodes {
            let row = gradient + node * features
            for input in 0..<inputs {
                let coordinate = coordinates[node * inputs + input]
                let sums = target + input * features
                var feature = start
                while feature + Vector.width <= features {
                    Vector.store(Vector.load(sums, feature) + coordinate * Vector.load(row, feature), sums, feature)
                    feature += Vector.width
                }
                while feature < features {
                    sums[feature] += coordinate * row[feature]
                    feature += 1
                }
            }
        }
    }

    /// `result = shared + sum_i coordinates[i] W_x[i]`, the terms added in order of `i`; with
    /// `activation` `(m, o)`, `result = max(result m + o, 0)` per feature before the row is stored.
    @inline(__always)
    private static func transformRow(
        coordinates: UnsafePointer<Float>, inputs: Int, weights: UnsafePointer<Float>, shared: UnsafePointer<Float>,
        into result: UnsafeMutablePointer<Float>, features: Int, activation: GraphConvolution.Activation?
    ) {
        @inline(__always)
        func store(_ sum: SIMD8<Float>, _ feature: Int) {
            guard let activation else { return Vector.store(sum, result, feature) }
            let affine =
                sum * Vector.load(activation.multiplier, feature) + Vector.load(activation.offset, feature)
            Vector.store(affine.replacing(with: SIMD8<Float>(repeating: 0), where: affine .< 0), result, feature)
        }

        var feature = 0
        if inputs == 3 {
            // The usual x, y, z: three weight rows, no inner loop.
            let (x, y, z) = (coordinates[0], coordinates[1], coordinates[2])
            while feature + Vector.width <= features {
                let sum =
                    Vector.load(shared, feature) + x * Vector.load(weights, feature) + y
                    * Vector.load(weights, features + feature) + z * Vector.load(weights, 2 * features + feature)
                store(sum, feature)
                feature += Vector.width
            }
        }
        while feature + Vector.width <= features {
            var sum = Vector.load(shared, feature)
            for input in 0..<inputs {
                sum = sum + coordinates[input] * Vector.load(weights, input * features + feature)
            }
            store(sum, feature)
            feature += Vector.width
        }
        while feature < features {
            var sum = shared[feature]
            for input in 0..<inputs { sum += coordinates[input] * weights[input * features + feature] }
            if let activation {
                sum = max(sum * activation.multiplier[feature] + activation.offset[feature], 0)
            }
            result[feature] = sum
            feature += 1
        }
    }

    /// Sets `dE`, `dW`, `db` and returns `dX` when asked to.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        let batch = outputGradient.shape[0]
        let gradient = UnsafePointer(outputGradient.pointer)
        let perSample = nodes * outputFeatures
        try backward(batch: batch) { sample, _ in gradient + sample * perSample }

        inputGradient.resize([batch, nodes, inputFeatures])
        guard computesInputGradient else { return inputGradient }
        inputGradientBeforeAggregation.resize([batch, nodes, inputFeatures])
        try BLAS.multiply(
            .none, outputGradient.pointer, leadingA: outputFeatures, .transposed, weight.value.pointer,
            leadingB: outputFeatures, into: inputGradientBeforeAggregation.pointer, leadingC: inputFeatures,
            rows: batch * nodes, columns: inputFeatures, inner: outputFeatures)
        transposedAdjacency.apply(
            to: inputGradientBeforeAggregation.pointer, into: inputGradient.pointer, batch: batch,
            features: inputFeatures)
        return inputGradient
    }

    /// `backward` with `dY` made by a fused block's BatchNorm step one sample at a time in a small
    /// buffer, so the batch's `dY` is never stored. For a first layer only (no `dX`).
    func backward(_ step: BatchNormalizationStep, batch: Int) throws(BLASError) -> Tensor {
        precondition(!computesInputGradient && step.features == outputFeatures, "fused backward needs no dX")
        let nodes = nodes
        try backward(batch: batch) { sample, buffer in
            step.apply(rows: sample * nodes..<(sample + 1) * nodes, into: buffer)
            return UnsafePointer(buffer)
        }
        inputGradient.resize([batch, nodes, inputFeatures])
        return inputGradient
    }

    /// The parameter gradients from `dY_b`, which `sampleGradient(b, buffer)` returns (it may make it
    /// in `buffer`, `[nodes, outputFeatures]`). Each chunk of samples sums `G = sum_b dY_b` and
    /// `sum_b (Â X_b)^T dY_b` into its own buffers while `dY_b` is in cache; the chunks are added in order.
    private func backward(
        batch: Int, sampleGradient: (Int, UnsafeMutablePointer<Float>) -> UnsafePointer<Float>
    ) throws(BLASError) {
        let features = outputFeatures
        let inputs = inputFeatures
        let nodes = nodes
        let perSample = nodes * features
        let perChunk = 2 * perSample + inputs * features
        let chunks = Parallel.chunkCount(
            count: batch, threads: threads, minimumPerChunk: GraphConvolution.samplesPerChunk)
        chunkSums.resize([max(chunks, 1), perChunk])
        chunkSums.fill(0)
        let sums = chunkSums.pointer
        let aggregated = UnsafePointer(aggregatedInput.pointer)
        Parallel.run(count: batch, threads: threads, minimumPerChunk: GraphConvolution.samplesPerChunk) {
            chunk, samples in
            let buffer = sums + chunk * perChunk
            let gradientTotal = buffer + perSample
            let weightGradient = gradientTotal + perSample
            for sample in samples {
                let gradient = sampleGradient(sample, buffer)
                TensorLoops.add(gradient, into: gradientTotal, count: perSample)
                Self.accumulateWeightGradient(
                    coordinates: aggregated + sample * nodes * inputs, gradient: gradient, nodes: nodes,
                    inputs: inputs, features: features, into: weightGradient)
            }
        }
        gradientSum.pointer.update(from: sums + perSample, count: perSample)
        weight.gradient.pointer.update(from: sums + 2 * perSample, count: inputs * features)
        for chunk in 1..<max(chunks, 1) {
            TensorLoops.add(sums + chunk * perChunk + perSample, into: gradientSum.pointer, count: perSample)
            TensorLoops.add(
                sums + chunk * perChunk + 2 * perSample, into: weight.gradient.pointer, count: inputs * features)
        }
        TensorLoops.columnSums(gradientSum.pointer, rows: nodes, columns: features, into: bias.gradient.pointer)

        try BLAS.multiply(
            .transposed, aggregatedEmbedding.pointer, leadingA: embeddingSize, .none, gradientSum.pointer,
            leadingB: features, into: weight.gradient.pointer + inputs * features, leadingC: features,
            rows: embeddingSize, columns: features, inner: nodes)
        try BLAS.multiply(
            .none, gradientSum.pointer, leadingA: features, .transposed,
            weight.value.pointer + inputs * features,
            leadingB: features, into: embeddingProduct.pointer, leadingC: embeddingSize, rows: nodes,
            columns: embeddingSize, inner: features)
        transposedAdjacency.apply(
            to: embeddingProduct.pointer, into: embedding.gradient.pointer, batch: 1, features: embeddingSize)
    }
}
