/// A graph convolution (GCN, Kipf and Welling) on a batch of samples that share one graph:
/// `Y_b = Â X_b W + b` for every sample `b`, with `Â = D^-1/2 (A + I) D^-1/2` sparse.
///
/// Shapes: `X` is `[batch, nodes, inputFeatures]`, `W` is `[inputFeatures, outputFeatures]`, `b` is
/// `[outputFeatures]`, `Y` is `[batch, nodes, outputFeatures]`. The feature transform is one sgemm
/// on the `[batch * nodes, inputFeatures]` matrix; the aggregation is a CSR product per sample.
/// Because `Â (X W) = (Â X) W`, the layer aggregates on the narrower side: first when
/// `inputFeatures < outputFeatures`, last otherwise.
///
/// Backward (transform first, `T = X W`): `db = sum dY`, `dT = Â^T dY`, `dW = X^T dT`, `dX = dT W^T`.
/// Backward (aggregate first, `Z = Â X`): `db = sum dY`, `dW = Z^T dY`, `dZ = dY W^T`, `dX = Â^T dZ`.
public final class GraphConvolution: Layer {
    /// `W`, `[inputFeatures, outputFeatures]`.
    public let weight: Parameter
    /// `b`, `[outputFeatures]`.
    public let bias: Parameter
    /// `Â`, nodes x nodes.
    public let adjacency: SparseMatrix
    /// Whether `backward` computes `dX` (not needed for a network's first layer).
    public var computesInputGradient = true

    private let transposedOperator: SparseMatrix
    private let aggregatesFirst: Bool
    private let intermediate = Tensor(shape: [0])
    private let intermediateGradient = Tensor(shape: [0])
    private let sampleGradients = Tensor(shape: [0])
    private let output = Tensor(shape: [0])
    private var threads = 1
    private let inputGradient = Tensor(shape: [0])
    private var input: Tensor?

    /// Creates a layer on the graph whose normalised adjacency is `normalizedAdjacency`, with
    /// Glorot-uniform weights and zero bias (as PyTorch Geometric's `GCNConv`).
    public init(
        name: String, inputFeatures: Int, outputFeatures: Int, normalizedAdjacency: SparseMatrix,
        generator: inout SeededGenerator
    ) {
        weight = Parameter(
            name: name + ".weight",
            value: Initialization.glorotUniform(rows: inputFeatures, columns: outputFeatures, generator: &generator))
        bias = Parameter(name: name + ".bias", value: Tensor(shape: [outputFeatures]))
        adjacency = normalizedAdjacency
        transposedOperator = normalizedAdjacency.transposed()
        aggregatesFirst = inputFeatures < outputFeatures
    }

    /// The parameters `W` and `b`.
    public var parameters: [Parameter] { [weight, bias] }

    private var inputFeatures: Int { weight.value.shape[0] }
    private var outputFeatures: Int { weight.value.shape[1] }
    private var nodes: Int { adjacency.rowCount }

    /// `Y = Â X W + b`.
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        try forward(input, context: &context, activation: nil)
    }

    /// An inference-time BatchNorm and ReLU, `y = max(x m + o, 0)` per feature, as `(m, o)`.
    typealias Activation = (multiplier: UnsafePointer<Float>, offset: UnsafePointer<Float>)

    /// Whether the aggregation is the last step of `forward`, so that `activation` can ride on it.
    var aggregatesLast: Bool { !aggregatesFirst }

    /// `Y = max((Â X W + b) m + o, 0)` per feature when `activation` is `(m, o)` and the layer
    /// aggregates last (ignored otherwise); plain `Y = Â X W + b` without it.
    func forward(
        _ input: Tensor, context: inout LayerContext,
        activation: (multiplier: UnsafePointer<Float>, offset: UnsafePointer<Float>)?
    ) throws(BLASError) -> Tensor {
        threads = context.threads
        precondition(
            input.shape.count == 3 && input.shape[1] == nodes && input.shape[2] == inputFeatures,
            "graph convolution expects [batch, \(nodes), \(inputFeatures)], got \(input.shape)")
        self.input = input
        let batch = input.shape[0]
        let rows = batch * nodes
        output.resize([batch, nodes, outputFeatures])
        if aggregatesFirst {
            intermediate.resize(input.shape)
            adjacency.apply(
                to: input.pointer, into: intermediate.pointer, batch: batch, features: inputFeatures, threads: threads)
            TensorLoops.broadcast(bias.value.pointer, into: output.pointer, rows: rows, columns: outputFeatures)
            try BLAS.multiply(
                .none, intermediate.pointer, leadingA: inputFeatures, .none, weight.value.pointer,
                leadingB: outputFeatures, into: output.pointer, leadingC: outputFeatures, rows: rows,
                columns: outputFeatures, inner: inputFeatures, beta: 1)
        } else {
            // A few samples at a time, so that `T = X W` is aggregated while it is still in cache.
            intermediate.resize([min(batch, Self.samplesPerTransform), nodes, outputFeatures])
            for start in stride(from: 0, to: batch, by: Self.samplesPerTransform) {
                let samples = min(Self.samplesPerTransform, batch - start)
                try BLAS.multiply(
                    .none, input.pointer + start * nodes * inputFeatures, leadingA: inputFeatures, .none,
                    weight.value.pointer, leadingB: outputFeatures, into: intermediate.pointer,
                    leadingC: outputFeatures, rows: samples * nodes, columns: outputFeatures, inner: inputFeatures)
                adjacency.apply(
                    to: intermediate.pointer, into: output.pointer + start * nodes * outputFeatures, batch: samples,
                    features: outputFeatures, bias: bias.value.pointer, activation: activation, threads: threads)
            }
        }
        return output
    }

    /// Sets `dW`, `db` and returns `dX`.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        guard let input else { preconditionFailure("backward before forward") }
        let batch = input.shape[0]
        let rows = batch * nodes
        TensorLoops.columnSums(outputGradient.pointer, rows: rows, columns: outputFeatures, into: bias.gradient.pointer)
        inputGradient.resize(input.shape)
        if aggregatesFirst {
            try BLAS.multiply(
                .transposed, intermediate.pointer, leadingA: inputFeatures, .none, outputGradient.pointer,
                leadingB: outputFeatures, into: weight.gradient.pointer, leadingC: outputFeatures, rows: inputFeatures,
                columns: outputFeatures, inner: rows)
            guard computesInputGradient else { return inputGradient }
            intermediateGradient.resize(input.shape)
            try BLAS.multiply(
                .none, outputGradient.pointer, leadingA: outputFeatures, .transposed, weight.value.pointer,
                leadingB: outputFeatures, into: intermediateGradient.pointer, leadingC: inputFeatures, rows: rows,
                columns: inputFeatures, inner: outputFeatures)
            transposedOperator.apply(
                to: intermediateGradient.pointer, into: inputGradient.pointer, batch: batch, features: inputFeatures,
                threads: threads)
        } else {
            intermediateGradient.resize(outputGradient.shape)
            transposedOperator.apply(
                to: outputGradient.pointer, into: intermediateGradient.pointer, batch: batch, features: outputFeatures,
                threads: threads)
            try transformBackward(input: input)
        }
        return inputGradient
    }

    /// `backward` for a layer that aggregates last, with `dY` made by a fused block's BatchNorm step
    /// one sample at a time in a small buffer and aggregated from there (`dT = Â^T dY`), so the
    /// batch's `dY` is never stored; `db` is summed on the way.
    func backward(_ step: BatchNormalizationStep, threads: Int) throws(BLASError) -> Tensor {
        guard let input else { preconditionFailure("backward before forward") }
        precondition(
            aggregatesLast && step.features == outputFeatures, "fused backward of a layer that aggregates first")
        let batch = input.shape[0]
        let features = outputFeatures
        let nodes = nodes
        let perChunk = nodes * features + features
        let chunkSamples = min(batch, Self.samplesPerTransform)
        let chunks = Parallel.chunkCount(count: chunkSamples, threads: threads, minimumPerChunk: Self.samplesPerChunk)
        sampleGradients.resize([chunks, perChunk])
        for chunk in 0..<chunks {
            (sampleGradients.pointer + chunk * perChunk + nodes * features).initialize(repeating: 0, count: features)
        }
        intermediateGradient.resize([chunkSamples, nodes, features])
        inputGradient.resize(input.shape)
        let buffers = sampleGradients.pointer
        let aggregated = intermediateGradient.pointer
        let transposed = transposedOperator

        // A few samples at a time: dY into a per-thread buffer, dT = Â^T dY for the group, then its
        // share of dW (added up with beta = 1) and its rows of dX, while dT is still in cache.
        for start in stride(from: 0, to: batch, by: Self.samplesPerTransform) {
            let samples = min(Self.samplesPerTransform, batch - start)
            Parallel.run(count: samples, threads: threads, minimumPerChunk: Self.samplesPerChunk) { chunk, range in
                let buffer = buffers + chunk * perChunk
                let sums = buffer + nodes * features
                for index in range {
                    let sample = start + index
                    step.apply(rows: sample * nodes..<(sample + 1) * nodes, into: buffer)
                    for node in 0..<nodes {
                        TensorLoops.add(buffer + node * features, into: sums, count: features)
                    }
                    transposed.apply(
                        to: buffer, into: aggregated + index * nodes * features, batch: 1, features: features)
                }
            }
            let rows = samples * nodes
            try BLAS.multiply(
                .transposed, input.pointer + start * nodes * inputFeatures, leadingA: inputFeatures, .none,
                aggregated, leadingB: features, into: weight.gradient.pointer, leadingC: features,
                rows: inputFeatures, columns: features, inner: rows, beta: start == 0 ? 0 : 1)
            if computesInputGradient {
                try BLAS.multiply(
                    .none, aggregated, leadingA: features, .transposed, weight.value.pointer, leadingB: features,
                    into: inputGradient.pointer + start * nodes * inputFeatures, leadingC: inputFeatures, rows: rows,
                    columns: inputFeatures, inner: features)
            }
        }
        let biasGradient = bias.gradient.pointer
        biasGradient.update(from: buffers + nodes * features, count: features)
        for chunk in 1..<chunks {
            TensorLoops.add(buffers + chunk * perChunk + nodes * features, into: biasGradient, count: features)
        }
        return inputGradient
    }

    /// Samples whose `T = X W` (or `dT`) a layer that aggregates last makes at a time: small enough
    /// for `X` and `T` to stay in the core's cache, large enough for sgemm.
    static let samplesPerTransform = 16

    /// Samples below which the fused backward stays on one thread.
    static let samplesPerChunk = 8

    /// `dW = X^T dT` and, when asked, `dX = dT W^T`, from `dT` in `intermediateGradient`.
    private func transformBackward(input: Tensor) throws(BLASError) {
        let rows = input.shape[0] * nodes
        try BLAS.multiply(
            .transposed, input.pointer, leadingA: inputFeatures, .none, intermediateGradient.pointer,
            leadingB: outputFeatures, into: weight.gradient.pointer, leadingC: outputFeatures, rows: inputFeatures,
            columns: outputFeatures, inner: rows)
        guard computesInputGradient else { return }
        try BLAS.multiply(
            .none, intermediateGradient.pointer, leadingA: outputFeatures, .transposed, weight.value.pointer,
            leadingB: outputFeatures, into: inputGradient.pointer, leadingC: inputFeatures, rows: rows,
            columns: inputFeatures, inner: outputFeatures)
    }
}
