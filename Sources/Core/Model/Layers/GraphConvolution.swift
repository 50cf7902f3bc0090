import Foundation

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
    private let transposedWeight = Tensor(shape: [0])
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
    /// aggregates last (ignored otherwise); plain `Y = Â X W + b` without it. With `statistics`, a
    /// layer that aggregates last also writes each group's `BatchStatistics` partial result of `Y`
    /// there (`[groups, 3, outputFeatures]`), while the group's rows are in cache.
    func forward(
        _ input: Tensor, context: inout LayerContext,
        activation: (multiplier: UnsafePointer<Float>, offset: UnsafePointer<Float>)?,
        statistics: UnsafeMutablePointer<Float>? = nil
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
            if threads == 1 {
                try BLAS.multiplyInSmallBlocks(
                    .none, intermediate.pointer, leadingA: inputFeatures, .none, weight.value.pointer,
                    leadingB: outputFeatures, into: output.pointer, leadingC: outputFeatures, rows: rows,
                    columns: outputFeatures, inner: inputFeatures, beta: 1)
            } else {
                try BLAS.multiply(
                    .none, intermediate.pointer, leadingA: inputFeatures, .none, weight.value.pointer,
                    leadingB: outputFeatures, into: output.pointer, leadingC: outputFeatures, rows: rows,
                    columns: outputFeatures, inner: inputFeatures, beta: 1, threads: threads, split: .rows)
            }
        } else {
            // A few samples at a time, so that `T = X W` is aggregated while it is still in cache;
            // with more threads, groups run side by side, each with its own workspace.
            let groupRows = min(batch, Self.samplesPerTransform) * nodes
            let workers = Self.workerCount(batch: batch, threads: threads)
            intermediate.resize([workers, groupRows, outputFeatures])
            let scratch = intermediate.pointer
            let source = input.pointer
            let target = output.pointer
            let weights = UnsafePointer(weight.value.pointer)
            let biases = UnsafePointer(bias.value.pointer)
            let (inputs, outputs, nodes, adjacency) = (inputFeatures, outputFeatures, nodes, adjacency)
            let innerThreads = workers > 1 ? 1 : threads
            try Self.runGroups(batch: batch, workers: workers) { worker, start, samples, _ throws(BLASError) in
                let transformed = scratch + worker * groupRows * outputs
                try BLAS.multiplyInSmallBlocks(
                    .none, source + start * nodes * inputs, leadingA: inputs, .none, weights, leadingB: outputs,
                    into: transformed, leadingC: outputs, rows: samples * nodes, columns: outputs, inner: inputs)
                adjacency.apply(
                    to: transformed, into: target + start * nodes * outputs, batch: samples, features: outputs,
                    bias: biases, activation: activation, threads: innerThreads)
                if let statistics {
                    BatchStatistics.accumulate(
                        target + start * nodes * outputs, count: samples * nodes, features: outputs,
                        into: statistics + start / Self.samplesPerTransform * 3 * outputs)
                }
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
                columns: outputFeatures, inner: rows, threads: threads, split: .columns)
            guard computesInputGradient else { return inputGradient }
            intermediateGradient.resize(input.shape)
            if threads == 1 {
                try BLAS.multiplyInSmallBlocks(
                    .none, outputGradient.pointer, leadingA: outputFeatures, .none, transposeWeight(),
                    leadingB: inputFeatures, into: intermediateGradient.pointer, leadingC: inputFeatures, rows: rows,
                    columns: inputFeatures, inner: outputFeatures)
            } else {
                try BLAS.multiply(
                    .none, outputGradient.pointer, leadingA: outputFeatures, .transposed, weight.value.pointer,
                    leadingB: outputFeatures, into: intermediateGradient.pointer, leadingC: inputFeatures, rows: rows,
                    columns: inputFeatures, inner: outputFeatures, threads: threads, split: .rows)
            }
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
        let (inputs, features, nodes) = (inputFeatures, outputFeatures, nodes)
        let groupRows = min(batch, Self.samplesPerTransform) * nodes
        let workers = Self.workerCount(batch: batch, threads: threads)

        // Per worker: one sample's dY, the bias sums, the group's dT and a partial dW.
        let perWorker = nodes * features + features + groupRows * features + inputs * features
        sampleGradients.resize([workers, perWorker])
        inputGradient.resize(input.shape)
        let buffers = sampleGradients.pointer
        let source = input.pointer
        let inputGradient = inputGradient.pointer
        let transposedWeights = transposeWeight()
        let transposed = transposedOperator
        let computesInputGradient = computesInputGradient
        for worker in 0..<workers {
            (buffers + worker * perWorker + nodes * features).update(repeating: 0, count: features)
        }

        // A few samples at a time: dY into a small buffer, dT = Â^T dY for the group, then its share
        // of dW (added up with beta = 1) and its rows of dX, while dT is still in cache.
        try Self.runGroups(batch: batch, workers: workers) { worker, start, samples, first throws(BLASError) in
            let buffer = buffers + worker * perWorker
            let sums = buffer + nodes * features
            let aggregated = sums + features
            let weightGradient = aggregated + groupRows * features
            for index in 0..<samples {
                let sample = start + index
                step.apply(rows: sample * nodes..<(sample + 1) * nodes, into: buffer)
                for node in 0..<nodes {
                    TensorLoops.add(buffer + node * features, into: sums, count: features)
                }
                transposed.apply(to: buffer, into: aggregated + index * nodes * features, batch: 1, features: features)
            }
            let rows = samples * nodes
            try BLAS.multiplyTransposedInSmallBlocks(
                source + start * nodes * inputs, leadingA: inputs, aggregated, leadingB: features,
                into: weightGradient, leadingC: features, rows: inputs, columns: features, inner: rows,
                beta: first ? 0 : 1)
            guard computesInputGradient else { return }
            try BLAS.multiplyInSmallBlocks(
                .none, aggregated, leadingA: features, .none, transposedWeights, leadingB: inputs,
                into: inputGradient + start * nodes * inputs, leadingC: inputs, rows: rows, columns: inputs,
                inner: features)
        }

        // The workers' sums, added in worker order.
        let biasGradient = bias.gradient.pointer
        let weightGradient = weight.gradient.pointer
        let weightOffset = nodes * features + features + groupRows * features
        biasGradient.update(from: buffers + nodes * features, count: features)
        weightGradient.update(from: buffers + weightOffset, count: inputs * features)
        for worker in 1..<workers {
            TensorLoops.add(buffers + worker * perWorker + nodes * features, into: biasGradient, count: features)
            TensorLoops.add(buffers + worker * perWorker + weightOffset, into: weightGradient, count: inputs * features)
        }
        return self.inputGradient
    }

    /// `W^T`, `[outputFeatures, inputFeatures]`, copied out for `dX = dT W^T`: with `W^T` stored as
    /// used, the product can take OpenBLAS's small-matrix path (`BLAS.multiplyInSmallBlocks`).
    private func transposeWeight() -> UnsafePointer<Float> {
        let (inputs, outputs) = (inputFeatures, outputFeatures)
        transposedWeight.resize([outputs, inputs])
        let source = weight.value.pointer
        let target = transposedWeight.pointer
        for input in 0..<inputs {
            for output in 0..<outputs { target[output * inputs + input] = source[input * outputs + output] }
        }
        return UnsafePointer(target)
    }

    /// Samples whose `T = X W` (or `dT`) a layer that aggregates last makes at a time: small enough
    /// for `X` and `T` to stay in the core's cache, large enough for sgemm.
    static let samplesPerTransform = 16

    /// Workers for groups of `samplesPerTransform` samples: one a thread, while there are groups.
    private static func workerCount(batch: Int, threads: Int) -> Int {
        Parallel.chunkCount(
            count: (batch + samplesPerTransform - 1) / samplesPerTransform, threads: threads, minimumPerChunk: 1)
    }

    /// Runs `body(worker, firstSample, samples, isWorkersFirstGroup)` for every group of
    /// `samplesPerTransform` samples, each worker taking a contiguous run of groups. With more than one worker, the groups run
    /// side by side with OpenBLAS on one thread each (far better than splitting every small
    /// product), and the first error is rethrown once all have finished.
    private static func runGroups(
        batch: Int, workers: Int, _ body: (Int, Int, Int, Bool) throws(BLASError) -> Void
    ) throws(BLASError) {
        let groups = (batch + samplesPerTransform - 1) / samplesPerTransform
        let blasThreads = BLAS.threadCount
        if workers > 1 && blasThreads != 1 { try BLAS.setThreadCount(1) }
        defer { if BLAS.threadCount != blasThreads { try? BLAS.setThreadCount(blasThreads) } }
        var failure: BLASError?
        let failureLock = NSLock()
        Parallel.run(count: groups, threads: workers) { worker, range in
            for group in range {
                let start = group * samplesPerTransform
                do throws(BLASError) {
                    try body(worker, start, min(samplesPerTransform, batch - start), group == range.lowerBound)
                } catch {
                    failureLock.withLock { failure = error }
                    return
                }
            }
        }
        if let failure { throw failure }
    }

    /// Samples below which the fused backward stays on one thread.
    static let samplesPerChunk = 8

    /// `dW = X^T dT` and, when asked, `dX = dT W^T`, from `dT` in `intermediateGradient`.
    private func transformBackward(input: Tensor) throws(BLASError) {
        let rows = input.shape[0] * nodes
        try BLAS.multiply(
            .transposed, input.pointer, leadingA: inputFeatures, .none, intermediateGradient.pointer,
            leadingB: outputFeatures, into: weight.gradient.pointer, leadingC: outputFeatures, rows: inputFeatures,
            columns: outputFeatures, inner: rows, threads: threads, split: .columns)
        guard computesInputGradient else { return }
        try BLAS.multiply(
            .none, intermediateGradient.pointer, leadingA: outputFeatures, .transposed, weight.value.pointer,
            leadingB: outputFeatures, into: inputGradient.pointer, leadingC: inputFeatures, rows: rows,
            columns: inputFeatures, inner: outputFeatures, threads: threads, split: .rows)
    }
}
