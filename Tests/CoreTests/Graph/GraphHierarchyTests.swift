import Testing

@testable import Core

@Suite("Landmark graph, quotient graphs and normalisation")
struct GraphHierarchyTests {
    let hierarchy = try! GraphHierarchy(topology: .peer, partitions: [.regions, .superRegions])

    @Test func peerTopology_hasThePeersSeventyTwoEdgesAndSymmetricAdjacency() {
        #expect(LandmarkTopology.peer.edges.count == 72)
        let adjacency = hierarchy.levels[0].adjacency
        #expect(adjacency.nonZeroCount == 68 + 2 * 72)
        for i in 0..<68 {
            #expect(adjacency[i, i])
            for j in 0..<68 where adjacency[i, j] != adjacency[j, i] {
                Issue.record("adjacency not symmetric at \(i), \(j)")
            }
        }
    }

    @Test func regionQuotient_joinsExactlyTheRegionsThatShareAnEdge() {
        let names = Partition.regions.names
        let adjacency = hierarchy.levels[1].adjacency
        var pairs: Set<String> = []
        for i in 0..<9 { for j in i + 1..<9 where adjacency[i, j] { pairs.insert("\(names[i])-\(names[j])") } }
        let expected: Set<String> = [
            "jaw-outer_lips", "right_brow-right_eye", "left_brow-left_eye", "nose_bridge-lower_nose",
            "lower_nose-outer_lips", "nose_bridge-right_eye", "nose_bridge-left_eye", "outer_lips-inner_lips",
        ]
        #expect(pairs == expected)
        #expect(adjacency.nonZeroCount == 9 + 2 * 8)
    }

    @Test func superRegionQuotient_joinsUpperToMiddleAndMiddleToLower() {
        let adjacency = hierarchy.levels[2].adjacency
        #expect(adjacency[0, 1] && adjacency[1, 2] && !adjacency[0, 2])
        #expect(adjacency.nonZeroCount == 7)
    }

    @Test func symmetricNormalization_isSymmetricAndScalesRowsByDegree() {
        for level in hierarchy.levels {
            let n = level.nodeCount
            let dense = level.normalized.dense()
            let degrees = (0..<n).map { i in Float((0..<n).filter { level.adjacency[i, $0] }.count) }
            for i in 0..<n {
                // Row i of D^-1/2 A D^-1/2 times sqrt(d) gives sqrt(d_i), since A d^(1/2)... summed over neighbours:
                // sum_j a_ij / sqrt(d_i d_j) * sqrt(d_j) = d_i / sqrt(d_i) = sqrt(d_i).
                var weighted: Float = 0
                for j in 0..<n {
                    expectClose(dense[i * n + j], dense[j * n + i], tolerance: 1e-7, "level \(n) entry \(i),\(j)")
                    weighted += dense[i * n + j] * degrees[j].squareRoot()
                }
                expectClose(weighted, degrees[i].squareRoot(), tolerance: 1e-5, "level \(n) row \(i)")
            }
        }
    }

    @Test func sparseApply_matchesTheDenseProductForEverySample() {
        let matrix = hierarchy.levels[0].normalized
        let dense = matrix.dense()
        var generator = Core.SeededGenerator(seed: 3)
        let batch = 2
        let features = 11
        let input = (0..<batch * 68 * features).map { _ in generator.nextGaussian() }
        var output = [Float](repeating: 0, count: input.count)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                matrix.apply(to: source.baseAddress!, into: target.baseAddress!, batch: batch, features: features)
            }
        }
        var expected = [Float](repeating: 0, count: input.count)
        for b in 0..<batch {
            for i in 0..<68 {
                for f in 0..<features {
                    var sum: Float = 0
                    for j in 0..<68 { sum += dense[i * 68 + j] * input[(b * 68 + j) * features + f] }
                    expected[(b * 68 + i) * features + f] = sum
                }
            }
        }
        expectAllClose(output, expected, tolerance: 1e-5, "A_hat times a random [2, 68, 11] batch")
    }

    @Test func partition_whenANodeIsInTwoBlocks_isRefused() {
        #expect(throws: GraphError.nodeInTwoBlocks(1)) {
            try Partition(blocks: [("a", [0, 1]), ("b", [1, 2])], nodeCount: 3)
        }
    }

    @Test func anatomicalTopology_addsItsCrossLinksToThePeers() {
        #expect(LandmarkTopology.anatomical.edges.count == 72 + 12)
        #expect(Adjacency(topology: .anatomical)[21, 22])
    }
}
