import Foundation

/// A graph attention convolution (GAT, Veličković et al. 2018) on a batch of samples that share one
/// graph with self loops: each node mixes its neighbours' transformed features with weights it learns
/// from them, instead of GCN's fixed `Â`.
///
/// For each head `h` of `H`, with `W_h` the `h`-th block of `outputsPerHead` columns of `W`, `a_h`
/// the node's and `c_h` the neighbour's attention vector, and `j` running over the neighbours of
/// `i` (`i` itself included):
///
///     z_i      = x_i W_h
///     s_ij     = a_h · z_i + c_h · z_j
///     e_ij     = LeakyReLU(s_ij) = s_ij if s_ij > 0, else slope * s_ij
///     alpha_ij = exp(e_ij) / sum_k exp(e_ik)               (softmax over i's neighbours)
///     o_i^h    = sum_j alpha_ij z_j
///     y_i      = concat_h o_i^h + b    or    (1 / H) sum_h o_i^h + b
///
/// Shapes: `X` `[batch, nodes, inputFeatures]`; `W` `[inputFeatures, H * outputsPerHead]`; `a` and
/// `c` `[H, outputsPerHead]`; `b` and each `y_i` `[outputFeatures]`, where `outputFeatures` is
/// `H * outputsPerHead` when the heads are concatenated and `outputsPerHead` when they are averaged;
/// `Y` `[batch, nodes, outputFeatures]`. The neighbour lists are the rows of a CSR matrix (the
/// level's normalised adjacency; only its pattern is read).
///
/// Backward, with `g_i^h` the part of `dY_i` that reached head `h` (its slice when concatenated,
/// `dY_i / H` when averaged):
///
///     dalpha_ij = g_i^h · z_j
///     de_ij     = alpha_ij (dalpha_ij - sum_k alpha_ik dalpha_ik)
///     ds_ij     = de_ij * (1 if s_ij > 0, else slope)
///     dz_j     += alpha_ij g_i^h + (sum_i ds_ij) c_h,   dz_i += (sum_j ds_ij) a_h
///     da_h      = sum_(b, i) (sum_j ds_ij) z_i,           dc_h = sum_(b, j) (sum_i ds_ij) z_j
///     dW        = X^T dZ,   dX = dZ W^T,   db = sum dY
public final class GraphAttention: Layer {
    /// `W`, `[inputFeatures, heads * outputsPerHead]`.
    public let weight: Parameter
    /// `a`, `[heads, outputsPerHead]`: each head's attention vector for the node being updated.
    public let nodeAttention: Parameter
    /// `c`, `[heads, outputsPerHead]`: each head's attention vector for the neighbour.
    public let neighbourAttention: Parameter
    /// `b`, `[outputFeatures]`.
    public let bias: Parameter
    /// The neighbour lists: row `i` of this matrix lists `i`'s neighbours (values unused).
    public let neighbours: SparseMatrix
    /// The number of heads.
    public let heads: Int
    /// Features each head computes.
    public let outputsPerHead: Int
    /// How the heads are combined.
    public let headCombination: ModelConfiguration.Attention.HeadCombination
    /// The LeakyReLU slope for negative attention logits.
    public let negativeSlope: Float
    /// Whether `backward` computes `dX` (not needed for a network's first layer).
    public var computesInputGradient = true

    /// `alpha` of the last forward pass, `[batch, heads, edges]`, edges in the CSR order of `neighbours`.
    public let attentionWeights = Tensor(shape: [0])

    private let transformed = Tensor(shape: [0])
    private let nodeScores = Tensor(shape: [0])
    private let neighbourScores = Tensor(shape: [0])
    private let output = Tensor(shape: [0])
    private let transformedGradient = Tensor(shape: [0])
    private let attentionGradient = Tensor(shape: [0])
    private let nodeScoreGradient = Tensor(shape: [0])
    private let neighbourScoreGradient = Tensor(shape: [0])
    private let partialAttentionGradients = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private var threads = 1
    private var input: Tensor?

    /// Creates a layer over the neighbour lists of `neighbours` (which must hold every self loop),
    /// with `outputFeatures` outputs from `heads` heads. `W` and both attention vectors are drawn
    /// Glorot-uniform in that order, `b` starts at zero. Concatenated heads need `outputFeatures`
    /// to be a multiple of `heads`.
    public init(
        name: String, inputFeatures: Int, outputFeatures: Int, neighbours: SparseMatrix,
        attention: ModelConfiguration.Attention, generator: inout SeededGenerator
    ) {
        precondition(attention.heads >= 1, "graph attention needs at least one head")
        let perHead: Int
        switch attention.headCombination {
        case .concatenate:
            precondition(
                outputFeatures % attention.heads == 0, "\(outputFeatures) outputs over \(attention.heads) heads")
            perHead = outputFeatures / attention.heads
        case .average:
            perHead = outputFeatures
        }
        heads = attention.heads
        outputsPerHead = perHead
        headCombination = attention.headCombination
        negativeSlope = attention.negativeSlope
        self.neighbours = neighbours
        weight = Parameter(
            name: name + ".lin.weight",
            value: Initialization.glorotUniform(rows: inputFeatures, columns: heads * perHead, generator: &generator))
        nodeAttention = Parameter(
            name: name + ".attention.node",
            value: Initialization.glorotUniform(rows: heads, columns: perHead, generator: &generator))
        neighbourAttention = Parameter(
            name: name + ".attention.neighbour",
            value: Initialization.glorotUniform(rows: heads, columns: perHead, generator: &generator))
        bias = Parameter(name: name + ".bias", value: Tensor(shape: [outputFeatures]))
    }

    /// `W`, `a`, `c` and `b`.
    public var parameters: [Parameter] { [weight, nodeAttention, neighbourAttention, bias] }

    private var inputFeatures: Int { weight.value.shape[0] }
    private var transformedFeatures: Int { heads * outputsPerHead }
    private var outputFeatures: Int { bias.value.count }
    private var nodes: Int { neighbours.rowCount }
    private var edges: Int { neighbours.nonZeroCount }

    /// `Y`, as the type's documentation says.
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        precondition(
            input.shape.count == 3 && input.shape[1] == nodes && input.shape[2] == inputFeatures,
            "graph attention expects [batch, \(nodes), \(inputFeatures)], got \(input.shape)")
        threads = context.threads
        self.input = input
        let batch = input.shape[0]

        // Z = X W for every head at once, then each node's two scores a_h · z_i and c_h · z_i.
        transformed.resize([batch, nodes, transformedFeatures])
        try BLAS.multiply(
            .none, input.pointer, leadingA: inputFeatures, .none, weight.value.pointer, leadingB: transformedFeatures,
            into: transformed.pointer, leadingC: transformedFeatures, rows: batch * nodes,
            columns: transformedFeatures, inner: inputFeatures)
        nodeScores.resize([batch, nodes, heads])
        neighbourScores.resize([batch, nodes, heads])
        attentionWeights.resize([batch, heads, edges])
        output.resize([batch, nodes, outputFeatures])

        Parallel.run(count: batch, threads: threads) { _, samples in
            for sample in samples {
                computeScores(sample: sample)
                for head in 0..<heads { attend(sample: sample, head: head) }
            }
        }
        return output
    }

    /// `a_h · z_i` and `c_h · z_i` for every node and head of one sample.
    private func computeScores(sample: Int) {
        let perHead = outputsPerHead
        for node in 0..<nodes {
            let features = transformed.pointer + (sample * nodes + node) * transformedFeatures
            let row = (sample * nodes + node) * heads
            for head in 0..<heads {
                nodeScores.pointer[row + head] = dot(
                    features + head * perHead, nodeAttention.value.pointer + head * perHead, count: perHead)
                neighbourScores.pointer[row + head] = dot(
                    features + head * perHead, neighbourAttention.value.pointer + head * perHead, count: perHead)
            }
        }
    }

    /// The softmax weights of one head in one sample and that head's share of the output.
    private func attend(sample: Int, head: Int) {
        let perHead = outputsPerHead
        let weights = attentionWeights.pointer + (sample * heads + head) * edges
        let scale: Float = headCombination == .average ? 1 / Float(heads) : 1
        let outputOffset = headCombination == .concatenate ? head * perHead : 0
        for node in 0..<nodes {
            let entries = neighbours.rowStarts[node]..<neighbours.rowStarts[node + 1]
            let own = nodeScores.pointer[(sample * nodes + node) * heads + head]

            // LeakyReLU logits, then a softmax shifted by the row's largest logit.
            var largest = -Float.infinity
            for entry in entries {
                let logit = leakyLogit(
                    own + neighbourScores.pointer[(sample * nodes + neighbours.columns[entry]) * heads + head])
                weights[entry] = logit
                largest = max(largest, logit)
            }
            var total: Float = 0
            for entry in entries {
                weights[entry] = exp(weights[entry] - largest)
                total += weights[entry]
            }
            for entry in entries { weights[entry] /= total }

            // o_i^h = sum_j alpha_ij z_j, written (or added, when averaging) into y_i with the bias.
            let target = output.pointer + (sample * nodes + node) * outputFeatures + outputOffset
            if head == 0 || headCombination == .concatenate {
                target.update(from: bias.value.pointer + outputOffset, count: perHead)
            }
            for entry in entries {
                let source =
                    transformed.pointer + (sample * nodes + neighbours.columns[entry]) * transformedFeatures
                    + head * perHead
                let factor = weights[entry] * scale
                for feature in 0..<perHead { target[feature] += factor * source[feature] }
            }
        }
    }

    /// Sets `dW`, `da`, `dc`, `db` and returns `dX`.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        guard let input else { preconditionFailure("backward before forward") }
        let batch = input.shape[0]
        let perHead = outputsPerHead
        TensorLoops.columnSums(
            outputGradient.pointer, rows: batch * nodes, columns: outputFeatures, into: bias.gradient.pointer)

        transformedGradient.resize([batch, nodes, transformedFeatures])
        transformedGradient.fill(0)
        attentionGradient.resize([batch, heads, edges])
        nodeScoreGradient.resize([batch, nodes, heads])
        neighbourScoreGradient.resize([batch, nodes, heads])
        nodeScoreGradient.fill(0)
        neighbourScoreGradient.fill(0)

        // Each chunk of samples sums its share of da and dc into its own row of the partials.
        let chunks = Parallel.chunkCount(count: batch, threads: threads, minimumPerChunk: 1)
        partialAttentionGradients.resize([chunks, 2 * heads * perHead])
        partialAttentionGradients.fill(0)
        Parallel.run(count: batch, threads: threads) { chunk, samples in
            let partial = partialAttentionGradients.pointer + chunk * 2 * heads * perHead
            for sample in samples {
                for head in 0..<heads { backPropagateAttention(sample: sample, head: head, gradient: outputGradient) }
                backPropagateScores(sample: sample, nodeGradient: partial, neighbourGradient: partial + heads * perHead)
            }
        }
        nodeAttention.gradient.fill(0)
        neighbourAttention.gradient.fill(0)
        for chunk in 0..<chunks {
            let partial = partialAttentionGradients.pointer + chunk * 2 * heads * perHead
            TensorLoops.add(partial, into: nodeAttention.gradient.pointer, count: heads * perHead)
            TensorLoops.add(
                partial + heads * perHead, into: neighbourAttention.gradient.pointer, count: heads * perHead)
        }

        // dW = X^T dZ and dX = dZ W^T.
        let rows = batch * nodes
        try BLAS.multiply(
            .transposed, input.pointer, leadingA: inputFeatures, .none, transformedGradient.pointer,
            leadingB: transformedFeatures, into: weight.gradient.pointer, leadingC: transformedFeatures,
            rows: inputFeatures, columns: transformedFeatures, inner: rows)
        inputGradient.resize(input.shape)
        guard computesInputGradient else { return inputGradient }
        try BLAS.multiply(
            .none, transformedGradient.pointer, leadingA: transformedFeatures, .transposed, weight.value.pointer,
            leadingB: transformedFeatures, into: inputGradient.pointer, leadingC: inputFeatures, rows: rows,
            columns: inputFeatures, inner: transformedFeatures)
        return inputGradient
    }

    /// One head of one sample: `dz_j += alpha_ij g_i`, and the gradients of the logits `s_ij` summed
    /// into each node's score gradients (`sum_j ds_ij` for `a`, `sum_i ds_ij` for `c`).
    private func backPropagateAttention(sample: Int, head: Int, gradient: Tensor) {
        let perHead = outputsPerHead
        let weights = attentionWeights.pointer + (sample * heads + head) * edges
        let weightGradients = attentionGradient.pointer + (sample * heads + head) * edges
        let scale: Float = headCombination == .average ? 1 / Float(heads) : 1
        let gradientOffset = headCombination == .concatenate ? head * perHead : 0
        for node in 0..<nodes {
            let entries = neighbours.rowStarts[node]..<neighbours.rowStarts[node + 1]
            let incoming = gradient.pointer + (sample * nodes + node) * outputFeatures + gradientOffset
            let own = nodeScores.pointer[(sample * nodes + node) * heads + head]

            // dalpha_ij = g_i · z_j, and z_j's share of the output gradient.
            var weightedSum: Float = 0
            for entry in entries {
                let neighbour = sample * nodes + neighbours.columns[entry]
                let features = transformed.pointer + neighbour * transformedFeatures + head * perHead
                let featureGradient = transformedGradient.pointer + neighbour * transformedFeatures + head * perHead
                let factor = weights[entry] * scale
                var product: Float = 0
                for feature in 0..<perHead {
                    product += incoming[feature] * features[feature]
                    featureGradient[feature] += factor * incoming[feature]
                }
                weightGradients[entry] = product * scale
                weightedSum += weights[entry] * weightGradients[entry]
            }

            // Through the softmax and the LeakyReLU to s_ij = a · z_i + c · z_j.
            for entry in entries {
                let neighbour = neighbours.columns[entry]
                let logit = own + neighbourScores.pointer[(sample * nodes + neighbour) * heads + head]
                let logitGradient =
                    weights[entry] * (weightGradients[entry] - weightedSum) * (logit > 0 ? 1 : negativeSlope)
                nodeScoreGradient.pointer[(sample * nodes + node) * heads + head] += logitGradient
                neighbourScoreGradient.pointer[(sample * nodes + neighbour) * heads + head] += logitGradient
            }
        }
    }

    /// From the score gradients of one sample: `dz_i += dp_i a_h + dq_i c_h`, and `da`, `dc` summed
    /// into `nodeGradient` and `neighbourGradient` (`[heads, outputsPerHead]` each).
    private func backPropagateScores(
        sample: Int, nodeGradient: UnsafeMutablePointer<Float>, neighbourGradient: UnsafeMutablePointer<Float>
    ) {
        let perHead = outputsPerHead
        for node in 0..<nodes {
            let row = sample * nodes + node
            for head in 0..<heads {
                let nodeScore = nodeScoreGradient.pointer[row * heads + head]
                let neighbourScore = neighbourScoreGradient.pointer[row * heads + head]
                let features = transformed.pointer + row * transformedFeatures + head * perHead
                let featureGradient = transformedGradient.pointer + row * transformedFeatures + head * perHead
                let node = nodeAttention.value.pointer + head * perHead
                let neighbour = neighbourAttention.value.pointer + head * perHead
                for feature in 0..<perHead {
                    featureGradient[feature] += nodeScore * node[feature] + neighbourScore * neighbour[feature]
                    nodeGradient[head * perHead + feature] += nodeScore * features[feature]
                    neighbourGradient[head * perHead + feature] += neighbourScore * features[feature]
                }
            }
        }
    }

    private func leakyLogit(_ score: Float) -> Float { score > 0 ? score : negativeSlope * score }

    private func dot(_ first: UnsafePointer<Float>, _ second: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Float = 0
        for index in 0..<count { sum += first[index] * second[index] }
        return sum
    }
}
