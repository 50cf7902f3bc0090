/// A binary, symmetric adjacency matrix with a self loop at every node, stored densely
/// (the graphs here have at most 68 nodes).
public struct Adjacency: Sendable, Equatable {
    /// The number of nodes.
    public let nodeCount: Int
    /// `isEdge[i * nodeCount + j]`: whether `i` and `j` are joined (always true for `i == j`).
    public private(set) var isEdge: [Bool]

    /// The landmark graph of `topology`, symmetrised, with self loops.
    public init(topology: LandmarkTopology) {
        nodeCount = topology.nodeCount
        isEdge = [Bool](repeating: false, count: nodeCount * nodeCount)
        for edge in topology.edges {
            isEdge[edge.first * nodeCount + edge.second] = true
            isEdge[edge.second * nodeCount + edge.first] = true
        }
        addSelfLoops()
    }

    private init(nodeCount: Int, isEdge: [Bool]) {
        self.nodeCount = nodeCount
        self.isEdge = isEdge
        addSelfLoops()
    }

    private mutating func addSelfLoops() {
        for node in 0..<nodeCount { isEdge[node * nodeCount + node] = true }
    }

    /// Whether `i` and `j` are joined.
    public subscript(i: Int, j: Int) -> Bool { isEdge[i * nodeCount + j] }

    /// The number of non-zero entries, self loops included.
    public var nonZeroCount: Int { isEdge.lazy.filter { $0 }.count }

    /// The quotient graph `binarise(S^T A S)` with self loops: two blocks are joined when any
    /// member of one is joined to any member of the other.
    public func quotient(by partition: Partition) throws(GraphError) -> Adjacency {
        guard partition.nodeCount == nodeCount else {
            throw .partitionSizeMismatch(expected: nodeCount, found: partition.nodeCount)
        }
        let blocks = partition.blockCount
        var coarse = [Bool](repeating: false, count: blocks * blocks)
        for i in 0..<nodeCount {
            for j in 0..<nodeCount where isEdge[i * nodeCount + j] {
                coarse[partition.assignment[i] * blocks + partition.assignment[j]] = true
            }
        }
        return Adjacency(nodeCount: blocks, isEdge: coarse)
    }

    /// `D^-1/2 A D^-1/2` with `D` the degrees of `A` (self loops included, so this is GCN's
    /// `D^-1/2 (A + I) D^-1/2` of the graph without loops), as a sparse matrix.
    public func symmetricNormalized() -> SparseMatrix {
        let degrees = (0..<nodeCount).map { i in (0..<nodeCount).reduce(0) { $0 + (self[i, $1] ? 1 : 0) } }
        var rowStarts = [0]
        var columns: [Int] = []
        var values: [Float] = []
        for i in 0..<nodeCount {
            for j in 0..<nodeCount where self[i, j] {
                columns.append(j)
                values.append(Float(1 / (Double(degrees[i]) * Double(degrees[j])).squareRoot()))
            }
            rowStarts.append(columns.count)
        }
        return SparseMatrix(
            rowCount: nodeCount, columnCount: nodeCount, rowStarts: rowStarts, columns: columns, values: values)
    }
}
