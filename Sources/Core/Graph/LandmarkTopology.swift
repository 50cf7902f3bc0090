/// The undirected edges among the 68 iBUG/300-W landmarks: level 0 of the graph hierarchy.
///
/// Self loops are not listed; `Adjacency` adds them. `peer` is the default and is exactly the
/// edge list of the benchmark peer (`bench/peer_glare.py`), so weights and figures compare;
/// `anatomical` adds cross links; `delaunay` triangulates the mean face.
public struct LandmarkTopology: Codable, Sendable, Equatable {
    /// One undirected edge between two node indices.
    public struct Edge: Codable, Sendable, Equatable {
        /// One end.
        public var first: Int
        /// The other end.
        public var second: Int

        /// Creates an edge.
        public init(_ first: Int, _ second: Int) {
            self.first = first
            self.second = second
        }
    }

    /// A short name recorded in the model file (`peer`, `anatomical`, `delaunay`, or a user's own).
    public var name: String
    /// The number of nodes.
    public var nodeCount: Int
    /// The undirected edges, each listed once.
    public var edges: [Edge]

    /// Creates a topology; every edge must join two different nodes below `nodeCount`.
    public init(name: String, nodeCount: Int, edges: [Edge]) throws(GraphError) {
        for edge in edges {
            guard (0..<nodeCount).contains(edge.first), (0..<nodeCount).contains(edge.second) else {
                throw .edgeOutOfRange(first: edge.first, second: edge.second, nodeCount: nodeCount)
            }
            guard edge.first != edge.second else { throw .selfLoopListed(edge.first) }
        }
        self.name = name
        self.nodeCount = nodeCount
        self.edges = edges
    }

    private init(trusted name: String, edges: [Edge]) {
        self.name = name
        self.nodeCount = 68
        self.edges = edges
    }

    /// The benchmark peer's landmark graph: each contour as a chain (eyes and lips closed), the
    /// nose tip to the lower nose, brow to eye, nose to mouth, eye corners to the nose bridge,
    /// chin to lower lip and the mouth corners from the outer to the inner lip. 72 edges.
    public static let peer = LandmarkTopology(
        trusted: "peer",
        edges: chain(0, 16) + chain(17, 21) + chain(22, 26) + chain(27, 30) + chain(31, 35) + [Edge(30, 33)]
            + loop(36, 41) + loop(42, 47) + loop(48, 59) + loop(60, 67)
            + [Edge(19, 37), Edge(24, 44), Edge(33, 51), Edge(39, 27), Edge(42, 27), Edge(8, 57)]
            + [Edge(48, 60), Edge(54, 64)])

    /// The peer's graph with more anatomical cross links: both ends of each brow to its eye, the
    /// inner brow ends to each other and to the nose bridge, the nose wings to the mouth corners,
    /// the jaw ends to the outer eye corners, and the middle of the upper and lower inner lip.
    public static let anatomical = LandmarkTopology(
        trusted: "anatomical",
        edges: peer.edges + [
            Edge(17, 36), Edge(21, 39), Edge(22, 42), Edge(26, 45), Edge(21, 22), Edge(21, 27), Edge(22, 27),
            Edge(31, 48), Edge(35, 54), Edge(0, 36), Edge(16, 45), Edge(62, 66),
        ])

    /// The edges of the Delaunay triangulation of the mean face's frontal view: the (x, y) of
    /// `FaceShapeBasis.mean`, the synthetic set's average identity (from the 3DDFA morphable model).
    /// Every landmark joins its nearest neighbours in the plane, across regions as well as along
    /// contours, so the graph is denser than `peer` and `anatomical`.
    public static let delaunay: LandmarkTopology = {
        let mean = FaceShapeBasis.mean
        let points = (0..<68).map { SIMD2(Double(mean[$0 * 3]), Double(mean[$0 * 3 + 1])) }
        return try! LandmarkTopology(delaunayOf: points, name: "delaunay")
    }()

    /// The Delaunay triangulation of `points` (one a node) as a topology named `name`.
    public init(delaunayOf points: [SIMD2<Double>], name: String) throws(GraphError) {
        let triangulation = DelaunayTriangulation(points: points)
        try self.init(
            name: name, nodeCount: points.count, edges: triangulation.edges.map { Edge($0.first, $0.second) })
    }

    /// The names of the built-in topologies.
    public static let builtInNames = ["peer", "anatomical", "delaunay"]

    /// The built-in topologies by name.
    public static func named(_ name: String) -> LandmarkTopology? {
        switch name {
        case "peer": return .peer
        case "anatomical": return .anatomical
        case "delaunay": return .delaunay
        default: return nil
        }
    }

    private static func chain(_ first: Int, _ last: Int) -> [Edge] {
        (first..<last).map { Edge($0, $0 + 1) }
    }

    private static func loop(_ first: Int, _ last: Int) -> [Edge] {
        chain(first, last) + [Edge(last, first)]
    }
}
