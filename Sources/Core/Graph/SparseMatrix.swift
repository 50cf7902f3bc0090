/// A small sparse matrix in compressed sparse row (CSR) form, applied to every sample of a batch.
///
/// The landmark graph has about four neighbours a node, so aggregating with its 212 non-zeros
/// instead of a dense 68 x 68 product does about 20 times less work; pooling and readout means
/// are sparse products too.
public struct SparseMatrix: Sendable, Equatable {
    /// The number of rows (output nodes).
    public let rowCount: Int
    /// The number of columns (input nodes).
    public let columnCount: Int
    /// Row `i`'s entries are at `rowStarts[i]..<rowStarts[i + 1]`.
    public let rowStarts: [Int]
    /// The column of each entry.
    public let columns: [Int]
    /// The value of each entry.
    public let values: [Float]

    /// Creates a matrix from its CSR arrays.
    public init(rowCount: Int, columnCount: Int, rowStarts: [Int], columns: [Int], values: [Float]) {
        precondition(rowStarts.count == rowCount + 1 && columns.count == values.count, "inconsistent CSR arrays")
        precondition(columns.allSatisfy { (0..<columnCount).contains($0) }, "CSR column out of range")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowStarts = rowStarts
        self.columns = columns
        self.values = values
    }

    /// The block-mean matrix of `partition`: `rowCount` = blocks, `columnCount` = nodes, each row
    /// averaging its block's members (`(S D^-1)^T` with `D` the block sizes).
    public init(meanOf partition: Partition) {
        let sizes = partition.blockSizes
        var rowStarts = [0]
        var columns: [Int] = []
        var values: [Float] = []
        for block in 0..<partition.blockCount {
            for node in 0..<partition.nodeCount where partition.assignment[node] == block {
                columns.append(node)
                values.append(1 / Float(sizes[block]))
            }
            rowStarts.append(columns.count)
        }
        self.init(
            rowCount: partition.blockCount, columnCount: partition.nodeCount, rowStarts: rowStarts, columns: columns,
            values: values)
    }

    /// The 1 x `nodeCount` matrix that averages all nodes.
    public init(meanOverNodes nodeCount: Int) {
        self.init(
            rowCount: 1, columnCount: nodeCount, rowStarts: [0, nodeCount], columns: Array(0..<nodeCount),
            values: [Float](repeating: 1 / Float(nodeCount), count: nodeCount))
    }

    /// The number of stored entries.
    public var nonZeroCount: Int { values.count }

    /// The transpose, in CSR form.
    public func transposed() -> SparseMatrix {
        var entries = [[(row: Int, value: Float)]](repeating: [], count: columnCount)
        for row in 0..<rowCount {
            for entry in rowStarts[row]..<rowStarts[row + 1] {
                entries[columns[entry]].append((row, values[entry]))
            }
        }
        var rowStarts = [0]
        for list in entries { rowStarts.append(rowStarts.last! + list.count) }
        return SparseMatrix(
            rowCount: columnCount, columnCount: rowCount, rowStarts: rowStarts,
            columns: entries.flatMap { $0.map(\.row) }, values: entries.flatMap { $0.map(\.value) })
    }

    /// The dense matrix, row-major, for tests and the FLOP count of dense peers.
    public func dense() -> [Float] {
        var matrix = [Float](repeating: 0, count: rowCount * columnCount)
        for row in 0..<rowCount {
            for entry in rowStarts[row]..<rowStarts[row + 1] {
                matrix[row * columnCount + columns[entry]] += values[entry]
            }
        }
        return matrix
    }

    /// For every sample `b`: `output[b] = M * input[b] (+ output[b] when accumulating) (+ bias)`.
    ///
    /// `input` is `[batch, columnCount, features]`, `output` is `[batch, rowCount, features]`; each
    /// row is a feature vector, so the inner loop runs over contiguous features. `bias` (length
    /// `features`) is added to every output row. With `activation` `(m, o)`, each output element
    /// becomes `max(value * m[f] + o[f], 0)` before it is stored (an inference-time BatchNorm and
    /// ReLU riding on the aggregation). Samples are split over `threads` threads.
    ///
    /// Each output row is built 32 features at a time in registers and stored once, instead of
    /// being loaded and stored again for every entry; the additions happen in the same order as a
    /// plain entry-by-entry sum, so the result is the same to the bit.
    public func apply(
        to input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, batch: Int, features: Int,
        accumulate: Bool = false, bias: UnsafePointer<Float>? = nil,
        activation: (multiplier: UnsafePointer<Float>, offset: UnsafePointer<Float>)? = nil, threads: Int = 1
    ) {
        rowStarts.withUnsafeBufferPointer { starts in
            columns.withUnsafeBufferPointer { columns in
                values.withUnsafeBufferPointer { values in
                    Parallel.run(count: batch, threads: threads, minimumPerChunk: 8) { _, samples in
                        for sample in samples {
                            let sampleInput = input + sample * columnCount * features
                            let sampleOutput = output + sample * rowCount * features
                            for row in 0..<rowCount {
                                Self.applyRow(
                                    entries: starts[row]..<starts[row + 1], columns: columns, values: values,
                                    input: sampleInput, target: sampleOutput + row * features, features: features,
                                    accumulate: accumulate, bias: bias, activation: activation)
                            }
                        }
                    }
                }
            }
        }
    }

    /// One output row: `target = sum over entries of value * input[column] (+ target) (+ bias)`.
    @inline(__always)
    private static func applyRow(
        entries: Range<Int>, columns: UnsafeBufferPointer<Int>, values: UnsafeBufferPointer<Float>,
        input: UnsafePointer<Float>, target: UnsafeMutablePointer<Float>, features: Int, accumulate: Bool,
        bias: UnsafePointer<Float>?, activation: (multiplier: UnsafePointer<Float>, offset: UnsafePointer<Float>)?
    ) {
        @inline(__always)
        func start(_ feature: Int) -> SIMD8<Float> {
            var sum = accumulate ? Vector.load(target, feature) : SIMD8<Float>(repeating: 0)
            if let bias { sum = accumulate ? sum + Vector.load(bias, feature) : Vector.load(bias, feature) }
            return sum
        }

        @inline(__always)
        func finish(_ sum: SIMD8<Float>, _ feature: Int) {
            guard let activation else { return Vector.store(sum, target, feature) }
            let affine = sum * Vector.load(activation.multiplier, feature) + Vector.load(activation.offset, feature)
            let zero = SIMD8<Float>(repeating: 0)
            Vector.store(affine.replacing(with: zero, where: affine .< zero), target, feature)
        }

        var feature = 0
        while feature + 4 * Vector.width <= features {
            var first = start(feature)
            var second = start(feature + Vector.width)
            var third = start(feature + 2 * Vector.width)
            var fourth = start(feature + 3 * Vector.width)
            for entry in entries {
                let weight = values[entry]
                let source = input + columns[entry] * features + feature
                first = first + weight * Vector.load(source, 0)
                second = second + weight * Vector.load(source, Vector.width)
                third = third + weight * Vector.load(source, 2 * Vector.width)
                fourth = fourth + weight * Vector.load(source, 3 * Vector.width)
            }
            finish(first, feature)
            finish(second, feature + Vector.width)
            finish(third, feature + 2 * Vector.width)
            finish(fourth, feature + 3 * Vector.width)
            feature += 4 * Vector.width
        }
        while feature + Vector.width <= features {
            var sum = start(feature)
            for entry in entries {
                sum = sum + values[entry] * Vector.load(input + columns[entry] * features, feature)
            }
            finish(sum, feature)
            feature += Vector.width
        }
        @inline(__always)
        func startScalar(_ feature: Int) -> Float {
            var sum: Float = accumulate ? target[feature] : 0
            if let bias { sum = accumulate ? sum + bias[feature] : bias[feature] }
            return sum
        }

        if features == 3 && activation == nil {
            // Coordinates: the three sums side by side, one pass over the entries.
            var (first, second, third) = (startScalar(0), startScalar(1), startScalar(2))
            for entry in entries {
                let weight = values[entry]
                let source = input + columns[entry] * 3
                first += weight * source[0]
                second += weight * source[1]
                third += weight * source[2]
            }
            (target[0], target[1], target[2]) = (first, second, third)
            return
        }
        while feature < features {
            var sum = startScalar(feature)
            for entry in entries { sum += values[entry] * input[columns[entry] * features + feature] }
            if let activation {
                sum = max(sum * activation.multiplier[feature] + activation.offset[feature], 0)
            }
            target[feature] = sum
            feature += 1
        }
    }
}
