import Testing

@testable import Core

@Suite("Layer gradients against finite differences")
struct LayerGradientTests {
    let checker = GradientChecker()

    @Test func linear_gradientsMatchFiniteDifferences() throws {
        var generator = Core.SeededGenerator(seed: 1)
        let layer = Linear(name: "linear", inputFeatures: 5, outputFeatures: 4, generator: &generator)
        for index in 0..<layer.bias.value.count { layer.bias.value[index] = 0.1 * Float(index) }
        try checker.checkLayer(layer, input: GradientChecker.randomTensor([3, 5], seed: 2))
    }

    @Test func graphConvolution_whenTransformingFirst_gradientsMatchFiniteDifferences() throws {
        var generator = Core.SeededGenerator(seed: 3)
        let adjacency = try GraphHierarchy(topology: .peer, partitions: [.regions]).levels[1].normalized
        let layer = GraphConvolution(
            name: "gcn", inputFeatures: 6, outputFeatures: 4, normalizedAdjacency: adjacency, generator: &generator)
        try checker.checkLayer(layer, input: GradientChecker.randomTensor([2, 9, 6], seed: 4))
    }

    @Test func graphConvolution_whenAggregatingFirst_gradientsMatchFiniteDifferences() throws {
        var generator = Core.SeededGenerator(seed: 5)
        let adjacency = try GraphHierarchy(topology: .peer, partitions: []).levels[0].normalized
        let layer = GraphConvolution(
            name: "gcn", inputFeatures: 3, outputFeatures: 5, normalizedAdjacency: adjacency, generator: &generator)
        try checker.checkLayer(layer, input: GradientChecker.randomTensor([2, 68, 3], seed: 6))
    }

    @Test func batchNormalization_inTraining_gradientsMatchFiniteDifferences() throws {
        let layer = BatchNormalization(name: "bn", features: 4)
        for index in 0..<4 {
            layer.scale.value[index] = 0.5 + Float(index) * 0.3
            layer.shift.value[index] = Float(index) * 0.1
        }
        var tight = checker
        tight.step = 3e-3
        try tight.checkLayer(layer, input: GradientChecker.randomTensor([6, 4], seed: 7))
    }

    @Test func batchNormalization_inEvaluation_gradientsMatchFiniteDifferences() throws {
        let layer = BatchNormalization(name: "bn", features: 3)
        for index in 0..<3 {
            layer.runningMean[index] = 0.2 * Float(index)
            layer.runningVariance[index] = 0.5 + Float(index)
        }
        try checker.checkLayer(layer, input: GradientChecker.randomTensor([5, 3], seed: 8), training: false)
    }

    @Test func relu_gradientsMatchFiniteDifferences() throws {
        try checker.checkLayer(ReLU(), input: GradientChecker.randomTensor([4, 6], seed: 9, margin: 0.05))
    }

    @Test func elu_gradientsMatchFiniteDifferences() throws {
        try checker.checkLayer(ELU(), input: GradientChecker.randomTensor([4, 6], seed: 10, margin: 0.05))
    }

    @Test func dropout_gradientsMatchFiniteDifferencesWithTheSameMask() throws {
        try checker.checkLayer(Dropout(probability: 0.3), input: GradientChecker.randomTensor([4, 10], seed: 11))
    }

    @Test func regionPooling_gradientsMatchFiniteDifferences() throws {
        try checker.checkLayer(
            RegionPooling(partition: .regions), input: GradientChecker.randomTensor([2, 68, 3], seed: 12))
    }

    @Test func positionalEmbedding_gradientsMatchFiniteDifferences() throws {
        var generator = Core.SeededGenerator(seed: 13)
        let layer = PositionalEmbedding(
            name: "pos", nodes: 9, inputFeatures: 3, embeddingSize: 2, generator: &generator)
        try checker.checkLayer(layer, input: GradientChecker.randomTensor([3, 9, 3], seed: 14))
    }

    @Test func embeddedGraphConvolution_gradientsMatchFiniteDifferences() throws {
        var generator = Core.SeededGenerator(seed: 18)
        let adjacency = try GraphHierarchy(topology: .peer, partitions: []).levels[0].normalized
        let layer = EmbeddedGraphConvolution(
            embeddingName: "pos", convolutionName: "gcn", inputFeatures: 3, embeddingSize: 2, outputFeatures: 4,
            normalizedAdjacency: adjacency, generator: &generator)
        layer.computesInputGradient = true
        try checker.checkLayer(layer, input: GradientChecker.randomTensor([2, 68, 3], seed: 19))
    }

    @Test func graphConvolutionBlock_gradientsMatchFiniteDifferences() throws {
        var generator = Core.SeededGenerator(seed: 15)
        let adjacency = try GraphHierarchy(topology: .peer, partitions: [.regions]).levels[1].normalized
        let convolution = GraphConvolution(
            name: "gcn", inputFeatures: 5, outputFeatures: 8, normalizedAdjacency: adjacency, generator: &generator)
        let block = GraphConvolutionBlock(
            convolution: convolution, normalization: BatchNormalization(name: "bn", features: 8),
            dropoutProbability: 0.3)
        var fine = checker
        fine.step = 1e-3
        fine.absoluteTolerance = 5e-3
        try fine.checkLayer(block, input: GradientChecker.randomTensor([3, 9, 5], seed: 16))
    }

    @Test func readout_gradientsOfEveryPartMatchFiniteDifferences() throws {
        let readout = Readout()
        let parts = [
            GradientChecker.randomTensor([3, 1, 4], seed: 23), GradientChecker.randomTensor([3, 9, 2], seed: 24),
            GradientChecker.randomTensor([3, 1, 5], seed: 25),
        ]
        let output = readout.forward(parts)
        #expect(output.shape == [3, 4 + 18 + 5])
        let weights = GradientChecker.randomTensor(output.shape, seed: 26)
        let gradients = readout.backward(weights).map(\.values)
        func loss() -> Double {
            let output = readout.forward(parts)
            return (0..<output.count).reduce(0) { $0 + Double(output[$1]) * Double(weights[$1]) }
        }
        for (index, part) in parts.enumerated() {
            checker.check("part \(index)", tensor: part, analytic: gradients[index], loss: loss)
        }
    }

    @Test func softmaxCrossEntropy_withClassWeights_gradientMatchesFiniteDifferences() throws {
        let loss = SoftmaxCrossEntropy(classWeights: [1, 2, 0.5, 1])
        let logits = GradientChecker.randomTensor([5, 4], seed: 17)
        let labels = [0, 1, 2, 3, 1]
        let analytic = loss.evaluate(logits: logits, labels: labels[...]).gradient.values
        checker.check("logits", tensor: logits, analytic: analytic) {
            Double(loss.evaluate(logits: logits, labels: labels[...]).loss)
        }
    }

    @Test func softmaxCrossEntropy_withoutWeights_equalsMeanNegativeLogLikelihood() {
        let loss = SoftmaxCrossEntropy()
        let logits = Tensor(shape: [2, 3], values: [0, 0, 0, 1, 2, 3])
        let value = loss.evaluate(logits: logits, labels: [1, 2]).loss
        let expected = (log(3.0) + (log(exp(1.0) + exp(2.0) + exp(3.0)) - 3)) / 2
        expectClose(Double(value), expected, tolerance: 1e-6, "logits [[0,0,0],[1,2,3]], labels [1,2]")
    }
}

#if canImport(Glibc)
    import Glibc
#endif
