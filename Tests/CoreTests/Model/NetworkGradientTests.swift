import Testing

@testable import Core

@Suite("Whole-network gradients and the fused block")
struct NetworkGradientTests {
    /// A small `full` network: every level, pooling and the readout, but narrow layers; GAT
    /// networks average two heads, so that any width works.
    static func smallConfiguration(
        activation: ModelConfiguration.Activation, convolution: ModelConfiguration.Convolution = .gcn
    ) -> ModelConfiguration {
        var configuration = ModelConfiguration()
        configuration.dropout = 0.3
        configuration.convolution = convolution
        configuration.attention.heads = 2
        configuration.attention.headCombination = .average
        configuration.positionalEmbeddingSize = 2
        configuration.levelWidths = [[4], [5], [3]]
        configuration.headWidths = [6]
        configuration.activation = activation
        return configuration
    }

    @Test(arguments: ModelConfiguration.Convolution.allCases)
    func network_withELU_gradientsOfEveryParameterMatchFiniteDifferences(
        convolution: ModelConfiguration.Convolution
    ) throws {
        var generator = Core.SeededGenerator(seed: 21)
        let network = try GlareNetwork(
            configuration: Self.smallConfiguration(activation: .elu, convolution: convolution), classCount: 3,
            generator: &generator)
        let input = GradientChecker.randomTensor([3, 68, 3], seed: 22)
        let labels = [0, 2, 1]
        let loss = SoftmaxCrossEntropy()

        func value() throws -> Double {
            var context = LayerContext(training: true, generator: Core.SeededGenerator(seed: 5))
            let logits = try network.forward(input, context: &context)
            return Double(loss.evaluate(logits: logits, labels: labels[...]).loss)
        }
        var context = LayerContext(training: true, generator: Core.SeededGenerator(seed: 5))
        let logits = try network.forward(input, context: &context)
        try network.backward(loss.evaluate(logits: logits, labels: labels[...]).gradient)
        let gradients = network.parameters.map(\.gradient.values)

        var checker = GradientChecker()
        checker.step = 2e-3
        checker.absoluteTolerance = 2e-3
        checker.elementsPerTensor = 8
        for (parameter, gradient) in zip(network.parameters, gradients) {
            try checker.check(parameter.name, tensor: parameter.value, analytic: gradient, loss: value)
        }
    }

    @Test(arguments: ModelConfiguration.Convolution.allCases, [[[40, 40], [9], [8]], [[32, 64], [16], [16]]])
    func fusedBlocks_giveTheSameLogitsAndGradientsAsSeparateLayers(
        convolution: ModelConfiguration.Convolution, widths: [[Int]]
    ) throws {
        // Width 40 takes the 32-lane and 8-lane paths of the fused first layer's loops, 9 the scalar tails;
        // multiples of 16 take the dropout loop that draws four random numbers at once.
        var configuration = Self.smallConfiguration(activation: .relu, convolution: convolution)
        configuration.levelWidths = widths
        var firstGenerator = Core.SeededGenerator(seed: 31)
        var secondGenerator = Core.SeededGenerator(seed: 31)
        let fused = try GlareNetwork(configuration: configuration, classCount: 4, generator: &firstGenerator)
        let separate = try GlareNetwork(
            configuration: configuration, classCount: 4, generator: &secondGenerator, fusesBlocks: false)
        // 37 samples: the fused layers work 16 samples at a time, so the last group is partial.
        let input = GradientChecker.randomTensor([37, 68, 3], seed: 32)
        let labels = (0..<37).map { $0 % 4 }
        let loss = SoftmaxCrossEntropy()

        var results: [(logits: [Float], gradients: [[Float]])] = []
        for network in [fused, separate] {
            var context = LayerContext(training: true, generator: Core.SeededGenerator(seed: 33))
            let logits = try network.forward(input, context: &context)
            try network.backward(loss.evaluate(logits: logits, labels: labels[...]).gradient)
            results.append((logits.values, network.parameters.map(\.gradient.values)))
        }
        expectAllClose(results[0].logits, results[1].logits, tolerance: 1e-4, "fused vs separate logits")
        #expect(fused.parameters.map(\.name) == separate.parameters.map(\.name))
        for (index, name) in fused.parameters.map(\.name).enumerated() {
            expectAllClose(
                results[0].gradients[index], results[1].gradients[index], tolerance: 1e-4, "gradient of \(name)")
        }
    }

    @Test(arguments: ModelConfiguration.Convolution.allCases)
    func twoThreads_giveTheSameLogitsAndGradientsAsOne(convolution: ModelConfiguration.Convolution) throws {
        var configuration = Self.smallConfiguration(activation: .relu, convolution: convolution)
        configuration.levelWidths = [[32, 32], [16], [16]]
        configuration.dropout = 0.3
        var generator = Core.SeededGenerator(seed: 41)
        let network = try GlareNetwork(configuration: configuration, classCount: 4, generator: &generator)
        let input = GradientChecker.randomTensor([24, 68, 3], seed: 42)
        let labels = (0..<24).map { $0 % 4 }
        let loss = SoftmaxCrossEntropy()

        var results: [(logits: [Float], gradients: [[Float]], state: UInt64)] = []
        for threads in [1, 2] {
            var context = LayerContext(training: true, generator: Core.SeededGenerator(seed: 43), threads: threads)
            let logits = try network.forward(input, context: &context)
            try network.backward(loss.evaluate(logits: logits, labels: labels[...]).gradient)
            results.append((logits.values, network.parameters.map(\.gradient.values), context.generator.state))
        }
        #expect(results[0].state == results[1].state, "dropout must draw the same random numbers")
        expectAllClose(results[0].logits, results[1].logits, tolerance: 1e-4, "logits on 1 and 2 threads")
        for (index, parameter) in network.parameters.enumerated() {
            expectAllClose(
                results[0].gradients[index], results[1].gradients[index], tolerance: 1e-4,
                "gradient of \(parameter.name) on 1 and 2 threads")
        }
    }

    @Test func predictorOnTwoThreads_givesBitIdenticalLogits() throws {
        var generator = Core.SeededGenerator(seed: 51)
        let network = try GlareNetwork(
            configuration: Self.smallConfiguration(activation: .relu), classCount: 3, generator: &generator)
        let input = GradientChecker.randomTensor([100, 68, 3], seed: 52)
        let one = try GlarePredictor(network: network, threads: 1).logits(for: input).values
        let two = try GlarePredictor(network: network, threads: 2).logits(for: input).values
        #expect(one.map(\.bitPattern) == two.map(\.bitPattern))
    }

    @Test func predictor_fusingBatchNormAndReLUIntoAggregation_givesTheNetworksEvaluationLogitsBitForBit() throws {
        // Widths 40 and 8 take the 32-lane, 8-lane and scalar paths of the fused aggregation.
        var configuration = Self.smallConfiguration(activation: .relu)
        configuration.levelWidths = [[40, 40], [16, 16], [8, 3]]
        var generator = Core.SeededGenerator(seed: 53)
        let network = try GlareNetwork(configuration: configuration, classCount: 3, generator: &generator)

        // A few training passes move the running statistics away from 0 and 1.
        var training = LayerContext(training: true, generator: Core.SeededGenerator(seed: 54))
        for seed in 55..<58 {
            _ = try network.forward(GradientChecker.randomTensor([20, 68, 3], seed: UInt64(seed)), context: &training)
        }

        let input = GradientChecker.randomTensor([40, 68, 3], seed: 59)
        var evaluation = LayerContext(training: false, threads: 1)
        let unfused = try network.forward(input, context: &evaluation).values
        let fused = try GlarePredictor(network: network, chunkSize: 40, threads: 1).logits(for: input).values
        #expect(unfused.count == fused.count)
        #expect(
            fused.map(\.bitPattern) == unfused.map(\.bitPattern),
            "fused \(fused.prefix(6)) unfused \(unfused.prefix(6))")
    }

    @Test func predictor_runningTheHeadOnBlocksOfSeveralChunks_givesTheNetworksEvaluationLogits() throws {
        var generator = Core.SeededGenerator(seed: 61)
        let network = try GlareNetwork(
            configuration: Self.smallConfiguration(activation: .relu), classCount: 3, generator: &generator)
        var training = LayerContext(training: true, generator: Core.SeededGenerator(seed: 62))
        _ = try network.forward(GradientChecker.randomTensor([20, 68, 3], seed: 63), context: &training)

        // 45 faces in chunks of 4: 12 chunks, blocks of 4 chunks, the last block and chunk partial.
        let input = GradientChecker.randomTensor([45, 68, 3], seed: 64)
        var evaluation = LayerContext(training: false, threads: 1)
        let whole = try network.forward(input, context: &evaluation).values
        for threads in [1, 2] {
            let chunked = try GlarePredictor(network: network, chunkSize: 4, threads: threads).logits(for: input).values
            expectAllClose(chunked, whole, tolerance: 1e-5, "chunked logits on \(threads) thread(s)")
        }
    }

    @Test func peerReference_hasThePeersReadoutWidthAndLayers() throws {
        let configuration = ModelConfiguration.peerReference
        #expect(configuration.readoutWidth == 64 + 9 * 128 + 128)
        #expect(configuration.dropout == 0.3)
        var glareDefault = configuration
        glareDefault.dropout = ModelConfiguration().dropout
        #expect(glareDefault == ModelConfiguration(), "the default differs from the peer in dropout alone")
        var generator = Core.SeededGenerator(seed: 1)
        let network = try GlareNetwork(configuration: configuration, classCount: 7, generator: &generator)
        // The peer's parameter count for 7 classes: embedding, five GCN layers with BatchNorm, the head.
        let gcn = [(19, 64), (64, 64), (64, 128), (128, 128), (128, 128)].reduce(0) { $0 + $1.0 * $1.1 + 3 * $1.1 }
        let expected = 68 * 16 + gcn + 1344 * 128 + 128 + 128 * 7 + 7
        #expect(network.parameterCount == expected)
    }
}
