/// Pooling by a fixed hard assignment: each coarse node is the mean of its member nodes,
/// `Y_b = P X_b` with `P = (S D^-1)^T` (blocks x nodes) for every sample `b`.
///
/// Shapes: `X` is `[batch, nodes, features]`, `Y` is `[batch, blocks, features]`.
/// Backward: `dX_b = P^T dY_b` (each member gets its block's gradient divided by the block size).
/// With a one-block partition this is the mean over all nodes (the readout's level means).
public final class RegionPooling: Layer {
    /// `P`, blocks x nodes.
    public let pooling: SparseMatrix
    private let transposedPooling: SparseMatrix
    private let output = Tensor(shape: [0])
    private var threads = 1
    private let inputGradient = Tensor(shape: [0])

    /// Pools by `partition`.
    public convenience init(partition: Partition) {
        self.init(pooling: SparseMatrix(meanOf: partition))
    }

    /// Pools with the mean over all `nodeCount` nodes.
    public convenience init(meanOverNodes nodeCount: Int) {
        self.init(pooling: SparseMatrix(meanOverNodes: nodeCount))
    }

    /// The mean over all nodes of `partition`'s level, taken from the block means that pooling by
    /// `partition` makes: `sum over blocks of (block size / nodes) * block mean`, `[batch, 1, features]`
    /// from `[batch, blocks, features]`. It reads the small pooled tensor instead of the level's output.
    convenience init(meanFromBlocksOf partition: Partition) {
        let sizes = partition.blockSizes
        self.init(
            pooling: SparseMatrix(
                rowCount: 1, columnCount: partition.blockCount, rowStarts: [0, partition.blockCount],
                columns: Array(0..<partition.blockCount),
                values: sizes.map { Float($0) / Float(partition.nodeCount) }))
    }

    private init(pooling: SparseMatrix) {
        self.pooling = pooling
        let transposed = pooling.transposed()
        transposedPooling = transposed
        let starts = transposed.rowStarts.dropLast()
        let oneBlockEach = zip(starts, transposed.rowStarts.dropFirst()).allSatisfy { $1 - $0 == 1 }
        memberships =
            oneBlockEach
            ? (blocks: starts.map { transposed.columns[$0] }, weights: starts.map { transposed.values[$0] }) : nil
    }

    /// Each node's block and its weight in the block (`1 / block size` for a mean), when every node
    /// is in exactly one block: `backward` gives node `n` the row `weights[n] * dY[blocks[n]]`.
    let memberships: (blocks: [Int], weights: [Float])?

    /// `Y_b = P X_b`.
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        threads = context.threads
        precondition(input.shape.count == 3 && input.shape[1] == pooling.columnCount, "pooling input \(input.shape)")
        let batch = input.shape[0]
        let features = input.shape[2]
        output.resize([batch, pooling.rowCount, features])
        pooling.apply(to: input.pointer, into: output.pointer, batch: batch, features: features, threads: threads)
        return output
    }

    /// `dX_b = P^T dY_b`.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        let batch = outputGradient.shape[0]
        let features = outputGradient.shape[2]
        inputGradient.resize([batch, pooling.columnCount, features])
        transposedPooling.apply(
            to: outputGradient.pointer, into: inputGradient.pointer, batch: batch, features: features, threads: threads)
        return inputGradient
    }

    /// `target_b += P^T dY_b`, in one pass over `target` (`[batch, nodes, features]`): the gradient of
    /// a level whose output also feeds the readout. Each node has one block, so every element gets
    /// one addition and the sum is the same to the bit as adding a separate `backward` result.
    func backward(_ outputGradient: Tensor, addingInto target: Tensor) {
        let batch = outputGradient.shape[0]
        let features = outputGradient.shape[2]
        precondition(target.shape == [batch, pooling.columnCount, features], "pooling gradient target \(target.shape)")
        transposedPooling.apply(
            to: outputGradient.pointer, into: target.pointer, batch: batch, features: features, accumulate: true,
            threads: threads)
    }
}
