/// Why a graph, partition or hierarchy description was refused.
public enum GraphError: Error, Equatable, CustomStringConvertible {
    /// An edge names a node that does not exist.
    case edgeOutOfRange(first: Int, second: Int, nodeCount: Int)
    /// An edge from a node to itself; self loops are added by the library.
    case selfLoopListed(Int)
    /// A node is assigned to a block that does not exist.
    case assignmentOutOfRange(node: Int, block: Int, blockCount: Int)
    /// A block without members.
    case emptyBlock(String)
    /// A node listed in two blocks.
    case nodeInTwoBlocks(Int)
    /// A node listed in no block.
    case nodeWithoutBlock(Int)
    /// A partition whose node count does not match the level it coarsens.
    case partitionSizeMismatch(expected: Int, found: Int)

    /// A short lower-case message.
    public var description: String {
        switch self {
        case .edgeOutOfRange(let first, let second, let nodeCount):
            return "edge \(first)-\(second) names a node outside 0..<\(nodeCount)"
        case .selfLoopListed(let node): return "edge \(node)-\(node) is a self loop; self loops are added automatically"
        case .assignmentOutOfRange(let node, let block, let blockCount):
            return "node \(node) is assigned to block \(block), outside 0..<\(blockCount)"
        case .emptyBlock(let name): return "block '\(name)' has no members"
        case .nodeInTwoBlocks(let node): return "node \(node) is in two blocks"
        case .nodeWithoutBlock(let node): return "node \(node) is in no block"
        case .partitionSizeMismatch(let expected, let found):
            return "partition covers \(found) nodes but the level has \(expected)"
        }
    }
}
