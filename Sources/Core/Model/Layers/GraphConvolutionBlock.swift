/// One GLaRE block fused for speed: `Y = Dropout(ReLU(BatchNorm(Â X W + b)))`.
///
/// It computes exactly what `GraphConvolution`, `BatchNormalization`, `ReLU` and `Dropout` compute
/// one after another (same parameters and names, same dropout masks from the same generator), but
/// the normalisation, activation and mask run as one pass over the convolution's output, and the
/// backward pass derives the ReLU and dropout gates from the output alone (`Y > 0` exactly where
/// both kept the element), so no mask is stored. Shapes: `X` `[batch, nodes, inputFeatures]`,
/// `Y` `[batch, nodes, outputFeatures]`.
public final class GraphConvolutionBlock: Layer {
    /// The convolution (`GraphConvolution`, `EmbeddedGraphConvolution` or `GraphAttention`), whose
    /// parameters the block uses.
    public let convolution: any Layer
    /// The normalisation, whose parameters and running statistics the block uses.
    public let normalization: BatchNormalization
    /// The dropout probability.
    public let dropoutProbability: Float

    private let output = Tensor(shape: [0])
    private let preActivationGradient = Tensor(shape: [0])
    private let mean: Tensor
    private let inverseDeviation: Tensor
    private let partials = Tensor(shape: [0])
    private let coefficients = Tensor(shape: [0])
    private var threads = 1
    private var convolutionOutput: Tensor?
    private var trainedLastForward = true

    /// Creates a block from its parts.
    public init(convolution: any Layer, normalization: BatchNormalization, dropoutProbability: Float) {
        self.convolution = convolution
        self.normalization = normalization
        self.dropoutProbability = dropoutProbability
        mean = Tensor(shape: [normalization.scale.value.count])
        inverseDeviation = Tensor(shape: [normalization.scale.value.count])
    }

    /// The convolution's and the normalisation's parameters.
    public var parameters: [Parameter] { convolution.parameters + normalization.parameters }

    /// The running statistics.
    public var buffers: [(name: String, tensor: Tensor)] { normalization.buffers }

    /// `Dropout(ReLU(BatchNorm(conv(X))))`.
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        if context.inferenceOnly && !context.training {
            if let graph = convolution as? GraphConvolution, graph.aggregatesLast {
                return try inferenceForward(input, context: &context) { input, context, activation throws(BLASError) in
                    try graph.forward(input, context: &context, activation: activation)
                }
            }
            if let embedded = convolution as? EmbeddedGraphConvolution {
                return try inferenceForward(input, context: &context) { input, context, activation throws(BLASError) in
                    try embedded.forward(input, context: &context, activation: activation)
                }
            }
        }
        // In training, BatchNorm's sums come a group of samples at a time (`BatchStatistics`), from the
        // convolution while each group's rows are in its cache when it can, else from a pass here.
        let batch = input.shape[0]
        let groups = (batch + Self.samplesPerGroup - 1) / Self.samplesPerGroup
        let features = normalization.scale.value.count
        if context.training { partials.resize([groups, 3 * features]) }
        let statistics = context.training ? partials.pointer : nil
        let convolved: Tensor
        var madeStatistics = false
        if let graph = convolution as? GraphConvolution, graph.aggregatesLast {
            convolved = try graph.forward(input, context: &context, activation: nil, statistics: statistics)
            madeStatistics = statistics != nil
        } else if let embedded = convolution as? EmbeddedGraphConvolution {
            convolved = try embedded.forward(input, context: &context, activation: nil, statistics: statistics)
            madeStatistics = statistics != nil
        } else {
            convolved = try convolution.forward(input, context: &context)
        }
        convolutionOutput = convolved
        trainedLastForward = context.training
        let rows = convolved.rows
        let nodes = rows / max(batch, 1)
        output.resize(convolved.shape)
        let source = convolved.pointer
        let mean = mean.pointer
        let inverse = inverseDeviation.pointer
        let momentum = normalization.momentum
        let epsilon = normalization.epsilon
        // Pointers taken once: each read of a tensor's `pointer` in a loop would be checked for
        // exclusive access at run time.
        let runningMean = normalization.runningMean.pointer
        let runningVariance = normalization.runningVariance.pointer

        threads = context.threads
        if let statistics {
            let groupRows = Self.samplesPerGroup * nodes
            if !madeStatistics {
                Parallel.run(count: groups, threads: threads) { _, range in
                    for group in range {
                        BatchStatistics.accumulate(
                            source + group * groupRows * features, count: min(groupRows, rows - group * groupRows),
                            features: features, into: statistics + group * 3 * features)
                    }
                }
            }
            BatchStatistics.combine(
                statistics, groups: groups, rowCount: { min(groupRows, rows - $0 * groupRows) }, features: features,
                mean: mean, variance: inverse)
            let unbiasing = rows > 1 ? Float(rows) / Float(rows - 1) : 1
            for feature in 0..<features {
                let variance = inverse[feature]
                inverse[feature] = 1 / (variance + epsilon).squareRoot()
                runningMean[feature] = (1 - momentum) * runningMean[feature] + momentum * mean[feature]
                runningVariance[feature] =
                    (1 - momentum) * runningVariance[feature] + momentum * variance * unbiasing
            }
        } else {
            for feature in 0..<features {
                mean[feature] = runningMean[feature]
                inverse[feature] = 1 / (runningVariance[feature] + epsilon).squareRoot()
            }
        }

        // y = max(gamma (x - mu) / sigma + beta, 0) * mask, as scale * x + offset per feature.
        let gamma = normalization.scale.value.pointer
        let beta = normalization.shift.value.pointer
        let scale = preActivationGradient
        scale.resize([2 * features])
        let multiplier = scale.pointer
        let offset = scale.pointer + features
        for feature in 0..<features {
            multiplier[feature] = gamma[feature] * inverse[feature]
            offset[feature] = beta[feature] - mean[feature] * multiplier[feature]
        }
        let target = output.pointer
        let masked = context.training && dropoutProbability > 0
        if masked && features % Vector.width == 0 {
            affineReLUWithDropout(
                source: source, target: target, rows: rows, features: features, multiplier: multiplier, offset: offset,
                generator: &context.generator)
            return output
        }
        Parallel.run(count: rows, threads: threads, minimumPerChunk: Self.rowsPerChunk) { _, range in
            let zero = SIMD8<Float>(repeating: 0)
            for row in range {
                let values = source + row * features
                let result = target + row * features
                var feature = 0
                while feature + Vector.width <= features {
                    let affine =
                        Vector.load(values, feature) * Vector.load(multiplier, feature) + Vector.load(offset, feature)
                    Vector.store(affine.replacing(with: zero, where: affine .< zero), result, feature)
                    feature += Vector.width
                }
                while feature < features {
                    result[feature] = max(values[feature] * multiplier[feature] + offset[feature], 0)
                    feature += 1
                }
            }
        }
        guard masked else { return output }
        applyDropout(to: target, count: rows * features, generator: &context.generator)
        return output
    }

    /// Evaluation mode with no backward to follow: BatchNorm (running statistics) and ReLU applied
    /// as each row leaves the convolution (`convolve(input, context, activation)`), so the
    /// convolution's output is never read back. The same operations in the same order as the
    /// unfused path, so the same bits.
    private func inferenceForward(
        _ input: Tensor, context: inout LayerContext,
        convolve: (Tensor, inout LayerContext, GraphConvolution.Activation) throws(BLASError) -> Tensor
    ) throws(BLASError) -> Tensor {
        let features = normalization.scale.value.count
        let gamma = normalization.scale.value.pointer
        let beta = normalization.shift.value.pointer
        let runningMean = normalization.runningMean.pointer
        let runningVariance = normalization.runningVariance.pointer
        let epsilon = normalization.epsilon
        let mean = mean.pointer
        let inverse = inverseDeviation.pointer
        let scale = preActivationGradient
        scale.resize([2 * features])
        let multiplier = scale.pointer
        let offset = scale.pointer + features
        for feature in 0..<features {
            mean[feature] = runningMean[feature]
            inverse[feature] = 1 / (runningVariance[feature] + epsilon).squareRoot()
            multiplier[feature] = gamma[feature] * inverse[feature]
            offset[feature] = beta[feature] - mean[feature] * multiplier[feature]
        }

        // The activated output lives in the convolution's workspace; a backward would be wrong.
        convolutionOutput = nil
        trainedLastForward = false
        let activation = (multiplier: UnsafePointer(multiplier), offset: UnsafePointer(offset))
        return try convolve(input, &context, activation)
    }

    /// `max(x * multiplier + offset, 0) * mask` in one pass, for widths that are a multiple of 8;
    /// the mask is the one `applyDropout` draws (element `e` from 16 bits of call `e / 4`).
    private func affineReLUWithDropout(
        source: UnsafePointer<Float>, target: UnsafeMutablePointer<Float>, rows: Int, features: Int,
        multiplier: UnsafePointer<Float>, offset: UnsafePointer<Float>, generator: inout SeededGenerator
    ) {
        let threshold = UInt64((dropoutProbability * 65536).rounded())
        let keptScale = 1 / (1 - dropoutProbability)
        let startState = generator.state
        let callsPerRow = features / 4
        Parallel.run(count: rows, threads: threads, minimumPerChunk: Self.rowsPerChunk) { _, range in
            var chunkGenerator = SeededGenerator(
                seed: startState &+ UInt64(range.lowerBound * callsPerRow) &* Self.splitMixStep)
            let zero = SIMD8<Float>(repeating: 0)
            let kept = SIMD8<Float>(repeating: keptScale)
            let limit = SIMD8<UInt32>(repeating: UInt32(threshold))
            // Lane `l` takes bits 16 (l % 4) ..< 16 (l % 4 + 1) of its call, as in `applyDropout`.
            let shifts = SIMD8<UInt32>(0, 16, 0, 16, 0, 16, 0, 16)
            let low16 = SIMD8<UInt32>(repeating: 0xFFFF)
            if features % (2 * Vector.width) == 0 {
                // Four calls at once, 16 elements: call k of the sequence returns mix(start + (k + 1) step),
                // and its four 16-bit fields, low first, are the 16 lanes of the calls' bytes in order.
                let step = Self.splitMixStep
                var states =
                    SIMD4<UInt64>(repeating: chunkGenerator.state) &+ SIMD4<UInt64>(1, 2, 3, 4) &* step
                let advance = SIMD4<UInt64>(repeating: 4 &* step)
                for row in range {
                    let values = source + row * features
                    let result = target + row * features
                    var feature = 0
                    while feature < features {
                        var mixed = states
                        mixed = (mixed ^ (mixed &>> 30)) &* 0xBF58_476D_1CE4_E5B9
                        mixed = (mixed ^ (mixed &>> 27)) &* 0x94D0_49BB_1331_11EB
                        mixed = mixed ^ (mixed &>> 31)
                        states &+= advance
                        let draws = unsafeBitCast(mixed, to: SIMD16<UInt16>.self)
                        for half in 0..<2 {
                            let fields = half == 0 ? draws.lowHalf : draws.highHalf
                            let mask = zero.replacing(
                                with: kept, where: SIMD8<UInt32>(truncatingIfNeeded: fields) .>= limit)
                            let index = feature + half * Vector.width
                            let affine =
                                Vector.load(values, index) * Vector.load(multiplier, index)
                                + Vector.load(offset, index)
                            Vector.store(affine.replacing(with: zero, where: affine .< zero) * mask, result, index)
                        }
                        feature += 2 * Vector.width
                    }
                }
                return
            }
            for row in range {
                let values = source + row * features
                let result = target + row * features
                var feature = 0
                while feature < features {
                    let first = chunkGenerator.next()
                    let second = chunkGenerator.next()
                    let words = SIMD8<UInt32>(
                        UInt32(truncatingIfNeeded: first), UInt32(truncatingIfNeeded: first),
                        UInt32(truncatingIfNeeded: first >> 32), UInt32(truncatingIfNeeded: first >> 32),
                        UInt32(truncatingIfNeeded: second), UInt32(truncatingIfNeeded: second),
                        UInt32(truncatingIfNeeded: second >> 32), UInt32(truncatingIfNeeded: second >> 32))
                    let draws = (words &>> shifts) & low16
                    let mask = zero.replacing(with: kept, where: draws .>= limit)
                    let affine =
                        Vector.load(values, feature) * Vector.load(multiplier, feature) + Vector.load(offset, feature)
                    Vector.store(affine.replacing(with: zero, where: affine .< zero) * mask, result, feature)
                    feature += Vector.width
                }
            }
        }
        generator.state = startState &+ UInt64(rows * callsPerRow) &* Self.splitMixStep
    }

    /// Zeroes elements with probability `p` and scales the rest by `1 / (1 - p)`, drawing 16 bits an
    /// element exactly as `Dropout` does: element `e` uses 16 bits of the generator's call `e / 4`.
    /// SplitMix64's state moves by a fixed step a call, so a chunk starting at call `k` starts its own
    /// generator at `state + k * step`, and the masks do not depend on the number of threads.
    private func applyDropout(to values: UnsafeMutablePointer<Float>, count: Int, generator: inout SeededGenerator) {
        let threshold = UInt64((dropoutProbability * 65536).rounded())
        let keptScale = 1 / (1 - dropoutProbability)
        let startState = generator.state
        let calls = (count + 3) / 4
        Parallel.run(count: calls, threads: threads, minimumPerChunk: 4096) { _, range in
            var chunkGenerator = SeededGenerator(seed: startState &+ UInt64(range.lowerBound) &* Self.splitMixStep)
            for call in range {
                var bits = chunkGenerator.next()
                let first = call * 4
                if first + 4 <= count {
                    values[first] *= (bits & 0xFFFF) >= threshold ? keptScale : 0
                    values[first + 1] *= (bits >> 16 & 0xFFFF) >= threshold ? keptScale : 0
                    values[first + 2] *= (bits >> 32 & 0xFFFF) >= threshold ? keptScale : 0
                    values[first + 3] *= (bits >> 48) >= threshold ? keptScale : 0
                    continue
                }
                for index in first..<count {
                    values[index] *= (bits & 0xFFFF) >= threshold ? keptScale : 0
                    bits >>= 16
                }
            }
        }
        generator.state = startState &+ UInt64(calls) &* Self.splitMixStep
    }

    /// How far `SeededGenerator` (SplitMix64) moves its state on each call.
    static let splitMixStep: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Rows below which a loop stays on one thread.
    static let rowsPerChunk = 512

    /// Samples a group of BatchNorm's sums: the groups the convolutions work in.
    static let samplesPerGroup = GraphConvolution.samplesPerTransform

    /// Sets the gradients of the convolution and the normalisation and returns `dX`.
    ///
    /// Two passes over the block's rows: the first gates `dY` by the output (ReLU and dropout kept
    /// exactly the elements with `Y > 0`) and sums what BatchNorm's backward needs, without storing
    /// anything; the second gates again and applies BatchNorm's backward as `a g + b x + c` per
    /// feature, either into a tensor for the convolution's backward or, for a convolution that
    /// aggregates last, straight into its transposed aggregation one sample at a time.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        try backward(BlockOutputGradient(outputGradient.pointer, features: outputGradient.columns))
    }

    /// `backward` for a block whose output only `pooling` reads, from the pooling's output gradient
    /// `[batch, blocks, features]`: each row of `dY` is made from it where it is needed, as the
    /// pooling's backward would write it, so the level's `dY` is neither written nor read back.
    func backward(pooledGradient: Tensor, through pooling: RegionPooling) throws(BLASError) -> Tensor {
        guard let memberships = pooling.memberships else {
            return try backward(try pooling.backward(pooledGradient))
        }
        let matrix = pooling.pooling
        return try memberships.blocks.withUnsafeBufferPointer { blocks throws(BLASError) in
            try memberships.weights.withUnsafeBufferPointer { weights throws(BLASError) in
                try backward(
                    BlockOutputGradient(
                        pooled: pooledGradient.pointer, features: pooledGradient.columns, nodes: matrix.columnCount,
                        blocks: matrix.rowCount, memberBlocks: blocks.baseAddress!, memberWeights: weights.baseAddress!
                    ))
            }
        }
    }

    private func backward(_ gradient: BlockOutputGradient) throws(BLASError) -> Tensor {
        guard let convolved = convolutionOutput else { preconditionFailure("backward before forward") }
        let features = convolved.columns
        let rows = convolved.rows
        let keptScale = trainedLastForward && dropoutProbability > 0 ? 1 / (1 - dropoutProbability) : 1
        let result = output.pointer
        let source = convolved.pointer
        let mean = mean.pointer
        let inverse = inverseDeviation.pointer
        let sumGradient = normalization.shift.gradient.pointer
        let sumGradientTimesHat = normalization.scale.gradient.pointer
        sumGradient.update(repeating: 0, count: features)
        sumGradientTimesHat.update(repeating: 0, count: features)

        // The two sums BatchNorm's backward needs; each chunk of rows sums into its own row of `partials`.
        let chunks = Parallel.chunkCount(count: rows, threads: threads, minimumPerChunk: Self.rowsPerChunk)
        partials.resize([chunks, 2 * features])
        partials.fill(0)
        let partialSums = partials.pointer
        Parallel.run(count: rows, threads: threads, minimumPerChunk: Self.rowsPerChunk) { chunk, range in
            let sumGradient = partialSums + chunk * 2 * features
            let sumGradientTimesHat = sumGradient + features
            let zero = SIMD8<Float>(repeating: 0)
            gradient.forEachRow(range) { index, incoming, weight, weighted in
                let row = range.lowerBound + index
                let values = result + row * features
                let inputs = source + row * features
                var feature = 0
                while feature + Vector.width <= features {
                    var scaled = Vector.load(incoming, feature)
                    if weighted { scaled = scaled * weight }
                    scaled = scaled * keptScale
                    let value = scaled.replacing(with: zero, where: Vector.load(values, feature) .<= zero)
                    Vector.store(Vector.load(sumGradient, feature) + value, sumGradient, feature)
                    let hat =
                        (Vector.load(inputs, feature) - Vector.load(mean, feature)) * Vector.load(inverse, feature)
                    Vector.store(Vector.load(sumGradientTimesHat, feature) + value * hat, sumGradientTimesHat, feature)
                    feature += Vector.width
                }
                while feature < features {
                    let incoming = weighted ? incoming[feature] * weight : incoming[feature]
                    let value = values[feature] > 0 ? incoming * keptScale : 0
                    sumGradient[feature] += value
                    sumGradientTimesHat[feature] += value * (inputs[feature] - mean[feature]) * inverse[feature]
                    feature += 1
                }
            }
        }
        for chunk in 0..<chunks {
            TensorLoops.add(partialSums + chunk * 2 * features, into: sumGradient, count: features)
            TensorLoops.add(partialSums + chunk * 2 * features + features, into: sumGradientTimesHat, count: features)
        }

        // dx = gamma / sigma (g - mean(g) - x̂ mean(g x̂)), rewritten as a g + b x + c per feature.
        let gamma = normalization.scale.value.pointer
        let count = Float(rows)
        coefficients.resize([3 * features])
        let a = coefficients.pointer
        let b = coefficients.pointer + features
        let c = coefficients.pointer + 2 * features
        for feature in 0..<features {
            let factor = gamma[feature] * inverse[feature]
            if trainedLastForward {
                let hatMean = sumGradientTimesHat[feature] / count
                a[feature] = factor
                b[feature] = -factor * hatMean * inverse[feature]
                c[feature] =
                    -factor * sumGradient[feature] / count + factor * hatMean * inverse[feature] * mean[feature]
            } else {
                a[feature] = factor
                b[feature] = 0
                c[feature] = 0
            }
        }
        let step = BatchNormalizationStep(
            gradient: gradient, output: result, input: source, keptScale: keptScale, a: a, b: b, c: c,
            features: features)
        if let graph = convolution as? GraphConvolution, graph.aggregatesLast {
            return try graph.backward(step, threads: threads)
        }
        if let embedded = convolution as? EmbeddedGraphConvolution, !embedded.computesInputGradient {
            return try embedded.backward(step, batch: convolved.shape[0])
        }
        preActivationGradient.resize(convolved.shape)
        let gated = preActivationGradient.pointer
        Parallel.run(count: rows, threads: threads, minimumPerChunk: Self.rowsPerChunk) { _, range in
            step.apply(rows: range, into: gated + range.lowerBound * features)
        }
        return try convolution.backward(preActivationGradient)
    }
}
