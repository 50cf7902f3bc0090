/// The second half of a fused block's backward pass, row by row: `dX = a g + b x + c` per feature,
/// with `g = dY keptScale` where the block's output is positive and 0 elsewhere, `x` the
/// convolution's output and `a`, `b`, `c` BatchNorm's backward coefficients.
struct BatchNormalizationStep {
    /// `dY`, the gradient of the block's output.
    let gradient: BlockOutputGradient
    /// The block's output `Y`.
    let output: UnsafePointer<Float>
    /// The convolution's output, BatchNorm's input.
    let input: UnsafePointer<Float>
    /// `1 / (1 - p)` after training-mode dropout, else 1.
    let keptScale: Float
    /// The per-feature coefficients.
    let a: UnsafePointer<Float>
    let b: UnsafePointer<Float>
    let c: UnsafePointer<Float>
    /// Features a row.
    let features: Int

    init(
        gradient: BlockOutputGradient, output: UnsafePointer<Float>, input: UnsafePointer<Float>, keptScale: Float,
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafePointer<Float>, features: Int
    ) {
        self.gradient = gradient
        self.output = output
        self.input = input
        self.keptScale = keptScale
        self.a = a
        self.b = b
        self.c = c
        self.features = features
    }

    /// Writes `dX` of `rows` to `target`, row after row.
    @inline(__always)
    func apply(rows: Range<Int>, into target: UnsafeMutablePointer<Float>) {
        let zero = SIMD8<Float>(repeating: 0)
        let (output, input, keptScale, features, a, b, c) = (output, input, keptScale, features, a, b, c)
        gradient.forEachRow(rows) { index, incoming, weight, weighted in
            let row = rows.lowerBound + index
            let values = output + row * features
            let inputs = input + row * features
            let pre = target + index * features
            var feature = 0
            while feature + Vector.width <= features {
                var scaled = Vector.load(incoming, feature)
                if weighted { scaled = scaled * weight }
                scaled = scaled * keptScale
                let gated = scaled.replacing(with: zero, where: Vector.load(values, feature) .<= zero)
                let combined =
                    Vector.load(a, feature) * gated + Vector.load(b, feature) * Vector.load(inputs, feature)
                    + Vector.load(c, feature)
                Vector.store(combined, pre, feature)
                feature += Vector.width
            }
            while feature < features {
                let value = weighted ? incoming[feature] * weight : incoming[feature]
                let gated = values[feature] > 0 ? value * keptScale : 0
                pre[feature] = a[feature] * gated + b[feature] * inputs[feature] + c[feature]
                feature += 1
            }
        }
    }
}

/// A fused block's output gradient `dY`, row by row: either a tensor of the output's shape, or the
/// gradient `dP` of the pooling that alone reads the output (`P_b = S Y_b`, each node in one block,
/// with weight `w_n`), expanded as the pooling's backward would write it, `dY[b, n] = w_n dP[b, block(n)]`,
/// so that the level's `dY` is never stored.
struct BlockOutputGradient {
    /// `dY` `[batch, nodes, features]`, or `dP` `[batch, blocks, features]`.
    let source: UnsafePointer<Float>
    /// Features a row.
    let features: Int
    /// Nodes a sample of `dY`.
    let nodes: Int
    /// Blocks a sample of `dP`.
    let blocks: Int
    /// Each node's block, for a pooled gradient.
    let memberBlocks: UnsafePointer<Int>?
    /// Each node's weight in its block, for a pooled gradient.
    let memberWeights: UnsafePointer<Float>?

    /// `dY` itself.
    init(_ gradient: UnsafePointer<Float>, features: Int) {
        source = gradient
        self.features = features
        nodes = 1
        blocks = 1
        memberBlocks = nil
        memberWeights = nil
    }

    /// `dY` expanded from the pooled gradient `dP`.
    init(
        pooled gradient: UnsafePointer<Float>, features: Int, nodes: Int, blocks: Int,
        memberBlocks: UnsafePointer<Int>, memberWeights: UnsafePointer<Float>
    ) {
        source = gradient
        self.features = features
        self.nodes = nodes
        self.blocks = blocks
        self.memberBlocks = memberBlocks
        self.memberWeights = memberWeights
    }

    /// Calls `body(index, source, weight, weighted)` for the rows of `dY` in `rows`, in order: row
    /// `rows.lowerBound + index` is `source`, times `weight` when `weighted` (the product the
    /// pooling's backward would have stored).
    @inline(__always)
    func forEachRow(_ rows: Range<Int>, _ body: (Int, UnsafePointer<Float>, Float, Bool) -> Void) {
        guard let memberBlocks, let memberWeights else {
            for index in 0..<rows.count { body(index, source + (rows.lowerBound + index) * features, 1, false) }
            return
        }
        var sample = rows.lowerBound / nodes
        var node = rows.lowerBound - sample * nodes
        for index in 0..<rows.count {
            body(index, source + (sample * blocks + memberBlocks[node]) * features, memberWeights[node], true)
            node += 1
            if node == nodes {
                node = 0
                sample += 1
            }
        }
    }
}
