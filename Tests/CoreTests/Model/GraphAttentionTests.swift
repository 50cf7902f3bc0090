import Testing

@testable import Core

@Suite("Graph attention")
struct GraphAttentionTests {
    /// A layer on level `level` of the peer hierarchy (0: 68 landmarks, 1: 9 regions) with a non-zero bias.
    static func layer(
        level: Int, inputFeatures: Int, outputFeatures: Int, heads: Int,
        combination: ModelConfiguration.Attention.HeadCombination, seed: UInt64
    ) throws -> GraphAttention {
        var attention = ModelConfiguration.Attention()
        attention.heads = heads
        attention.headCombination = combination
        var generator = Core.SeededGenerator(seed: seed)
        let hierarchy = try GraphHierarchy(topology: .peer, partitions: [.regions])
        let layer = GraphAttention(
            name: "gat", inputFeatures: inputFeatures, outputFeatures: outputFeatures,
            neighbours: hierarchy.levels[level].normalized, attention: attention, generator: &generator)
        for index in 0..<layer.bias.value.count { layer.bias.value[index] = 0.05 * Float(index) - 0.1 }
        return layer
    }

    /// Small steps: the LeakyReLU has a kink at 0, which a large step could straddle.
    var checker: GradientChecker {
        var checker = GradientChecker()
        checker.step = 2e-3
        checker.absoluteTolerance = 3e-3
        return checker
    }

    @Test func concatenatedHeads_gradientsOfInputWeightsAttentionAndBiasMatchFiniteDifferences() throws {
        let layer = try Self.layer(
            level: 1, inputFeatures: 5, outputFeatures: 6, heads: 3, combination: .concatenate, seed: 1)
        #expect(
            layer.parameters.map(\.name) == [
                "gat.lin.weight", "gat.attention.node", "gat.attention.neighbour", "gat.bias",
            ])
        #expect(layer.weight.value.shape == [5, 6] && layer.nodeAttention.value.shape == [3, 2])
        try checker.checkLayer(layer, input: GradientChecker.randomTensor([3, 9, 5], seed: 2))
    }

    @Test func averagedHeads_gradientsMatchFiniteDifferences() throws {
        let layer = try Self.layer(
            level: 1, inputFeatures: 4, outputFeatures: 3, heads: 2, combination: .average, seed: 3)
        #expect(layer.weight.value.shape == [4, 6] && layer.bias.value.shape == [3])
        try checker.checkLayer(layer, input: GradientChecker.randomTensor([2, 9, 4], seed: 4))
    }

    @Test func onTheLandmarkGraph_gradientsMatchFiniteDifferences() throws {
        let layer = try Self.layer(
            level: 0, inputFeatures: 3, outputFeatures: 4, heads: 2, combination: .concatenate, seed: 5)
        try checker.checkLayer(layer, input: GradientChecker.randomTensor([2, 68, 3], seed: 6))
    }

    @Test func attentionWeights_ofEveryNodeAndHeadArePositiveAndSumToOne() throws {
        let layer = try Self.layer(
            level: 0, inputFeatures: 3, outputFeatures: 8, heads: 4, combination: .concatenate, seed: 7)
        var context = LayerContext(training: true)
        _ = try layer.forward(GradientChecker.randomTensor([3, 68, 3], seed: 8), context: &context)

        let edges = layer.neighbours.nonZeroCount
        #expect(layer.attentionWeights.shape == [3, 4, edges])
        var sums: [Float] = []
        for sample in 0..<3 {
            for head in 0..<4 {
                for node in 0..<68 {
                    let entries = layer.neighbours.rowStarts[node]..<layer.neighbours.rowStarts[node + 1]
                    let weights = entries.map { layer.attentionWeights[(sample * 4 + head) * edges + $0] }
                    #expect(weights.allSatisfy { $0 > 0 }, "sample \(sample) head \(head) node \(node): \(weights)")
                    sums.append(weights.reduce(0, +))
                }
            }
        }
        expectAllClose(sums, [Float](repeating: 1, count: sums.count), tolerance: 1e-6, "softmax rows")
    }

    /// Node 30 (the nose tip) has neighbours 29, 33 and itself in the peer graph; moving every other
    /// node's input must leave its output exactly as it was, moving a neighbour must not.
    @Test func output_ofANode_ignoresNonNeighboursAndFollowsNeighbours() throws {
        let layer = try Self.layer(
            level: 0, inputFeatures: 3, outputFeatures: 4, heads: 2, combination: .average, seed: 9)
        let node = 30
        let neighbourhood = Set(
            layer.neighbours.columns[layer.neighbours.rowStarts[node]..<layer.neighbours.rowStarts[node + 1]])
        #expect(neighbourhood == [29, 30, 33])
        let input = GradientChecker.randomTensor([1, 68, 3], seed: 10)
        func outputOfNode() throws -> [Float] {
            var context = LayerContext(training: false)
            let output = try layer.forward(input, context: &context)
            return (0..<4).map { output[node * 4 + $0] }
        }
        let before = try outputOfNode()

        var generator = Core.SeededGenerator(seed: 11)
        for other in 0..<68 where !neighbourhood.contains(other) {
            for feature in 0..<3 { input[other * 3 + feature] += generator.nextGaussian() }
        }
        let afterMovingOthers = try outputOfNode()
        #expect(afterMovingOthers.map(\.bitPattern) == before.map(\.bitPattern), "\(before) vs \(afterMovingOthers)")

        input[33 * 3] += 0.5
        let afterMovingANeighbour = try outputOfNode()
        #expect(afterMovingANeighbour != before, "moving neighbour 33 left node 30's output at \(before)")
    }
}
