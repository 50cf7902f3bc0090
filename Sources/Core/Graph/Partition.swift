/// A hard assignment of the nodes of one graph level to the nodes of the next, coarser level.
///
/// As a matrix it is `S` (fine x coarse, 0/1, one 1 a row); region pooling takes the mean of each
/// block and the coarse graph is `binarise(S^T A S)` with self loops.
public struct Partition: Codable, Sendable, Equatable {
    /// The coarse nodes' names, in their fixed order.
    public var names: [String]
    /// For each fine node, the index of the coarse node it belongs to.
    public var assignment: [Int]

    /// Creates a partition; every coarse node must have at least one member.
    public init(names: [String], assignment: [Int]) throws(GraphError) {
        for (node, block) in assignment.enumerated() where !(0..<names.count).contains(block) {
            throw .assignmentOutOfRange(node: node, block: block, blockCount: names.count)
        }
        for block in names.indices where !assignment.contains(block) {
            throw .emptyBlock(names[block])
        }
        self.names = names
        self.assignment = assignment
    }

    /// Creates a partition from named blocks, each listing its member nodes.
    public init(blocks: [(name: String, members: [Int])], nodeCount: Int) throws(GraphError) {
        var assignment = [Int](repeating: -1, count: nodeCount)
        for (index, block) in blocks.enumerated() {
            for member in block.members {
                guard (0..<nodeCount).contains(member) else {
                    throw .assignmentOutOfRange(node: member, block: index, blockCount: blocks.count)
                }
                guard assignment[member] == -1 else { throw .nodeInTwoBlocks(member) }
                assignment[member] = index
            }
        }
        if let orphan = assignment.firstIndex(of: -1) { throw .nodeWithoutBlock(orphan) }
        try self.init(names: blocks.map(\.name), assignment: assignment)
    }

    /// The number of fine nodes.
    public var nodeCount: Int { assignment.count }
    /// The number of coarse nodes.
    public var blockCount: Int { names.count }

    /// The number of members of each coarse node.
    public var blockSizes: [Int] {
        var sizes = [Int](repeating: 0, count: blockCount)
        for block in assignment { sizes[block] += 1 }
        return sizes
    }

    /// DESIGN.md's nine regions of the 68 landmarks, in the readout's order.
    public static let regions: Partition = {
        let ranges: [(String, Range<Int>)] = [
            ("jaw", 0..<17), ("right_brow", 17..<22), ("left_brow", 22..<27), ("nose_bridge", 27..<31),
            ("lower_nose", 31..<36), ("right_eye", 36..<42), ("left_eye", 42..<48), ("outer_lips", 48..<60),
            ("inner_lips", 60..<68),
        ]
        return try! Partition(blocks: ranges.map { ($0.0, Array($0.1)) }, nodeCount: 68)
    }()

    /// The nine regions grouped into upper (brows, eyes), middle (nose) and lower (jaw, lips) face.
    public static let superRegions = try! Partition(
        blocks: [("upper", [1, 2, 5, 6]), ("middle", [3, 4]), ("lower", [0, 7, 8])], nodeCount: 9)
}
