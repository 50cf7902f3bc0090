/// The graphs GLaRE works on: the landmark graph, its quotient by the regions and the quotient of
/// that by the super-regions, with the operators a network needs at each level.
public struct GraphHierarchy: Sendable, Equatable {
    /// One graph of the hierarchy.
    public struct Level: Sendable, Equatable {
        /// Binary adjacency with self loops.
        public var adjacency: Adjacency
        /// `D^-1/2 A D^-1/2` of `adjacency`.
        public var normalized: SparseMatrix
        /// The number of nodes.
        public var nodeCount: Int { adjacency.nodeCount }
    }

    /// Level 0 (landmarks), then one level per partition.
    public let levels: [Level]
    /// The partitions between consecutive levels: `partitions[i]` maps level `i` to level `i + 1`.
    public let partitions: [Partition]

    /// Builds the hierarchy of `topology` coarsened by each partition in turn.
    public init(topology: LandmarkTopology, partitions: [Partition]) throws(GraphError) {
        var adjacency = Adjacency(topology: topology)
        var levels = [Level(adjacency: adjacency, normalized: adjacency.symmetricNormalized())]
        for partition in partitions {
            adjacency = try adjacency.quotient(by: partition)
            levels.append(Level(adjacency: adjacency, normalized: adjacency.symmetricNormalized()))
        }
        self.levels = levels
        self.partitions = partitions
    }
}
