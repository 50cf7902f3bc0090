/// The GLaRE network: graph convolutions over the landmark graph and its quotient graphs, pooling
/// between levels, a readout and an MLP head, with a hand-written backward pass.
///
/// Input: normalised landmarks `[batch, 68, 3]`. Output: class logits `[batch, classes]`.
/// Level `l` runs its blocks (`GCN or GAT -> BatchNorm -> activation -> Dropout`) on `[batch, n_l, F]`;
/// `RegionPooling` maps level `l` to `l + 1`; the readout concatenates the level-0 mean, the
/// level-1 nodes in order and the level-2 mean, as far as the variant goes.
public final class GlareNetwork {
    /// The architecture.
    public let configuration: ModelConfiguration
    /// The number of classes.
    public let classCount: Int
    /// The graphs the levels run on.
    public let hierarchy: GraphHierarchy

    private let embedding: PositionalEmbedding?
    private let levels: [[Layer]]
    private let poolings: [RegionPooling]
    /// The level-0 mean: over the landmarks when the network has one level, else over the regions'
    /// means (`meanFromBlocksOf`), so that the level-0 output is read once, by the pooling, and its
    /// gradient is written once, by the pooling's backward.
    private let levelZeroMean: RegionPooling
    private let lastLevelMean: RegionPooling?
    private let readout = Readout()
    private let head: [Layer]
    private var threads = 1

    /// Builds a network with fresh weights drawn from `generator`. `fusesBlocks` runs each
    /// convolution-BatchNorm-ReLU-Dropout block as one `GraphConvolutionBlock` (same results, faster);
    /// tests turn it off to compare against the separate layers.
    public init(
        configuration: ModelConfiguration, classCount: Int, generator: inout SeededGenerator, fusesBlocks: Bool = true
    ) throws {
        try configuration.validate()
        precondition(classCount >= 2, "a classifier needs at least two classes")
        self.configuration = configuration
        self.classCount = classCount
        let levelCount = configuration.variant.levelCount
        hierarchy = try GraphHierarchy(
            topology: configuration.topology, partitions: Array(configuration.partitions.prefix(levelCount - 1)))

        let landmarkCount = configuration.topology.nodeCount
        var features = 3
        // Fused GCN networks fold the embedding into the first convolution (`EmbeddedGraphConvolution`).
        let usesEmbeddedInput =
            fusesBlocks && configuration.positionalEmbeddingSize > 0 && configuration.convolution == .gcn
        if usesEmbeddedInput {
            embedding = nil
            features += configuration.positionalEmbeddingSize
        } else if configuration.positionalEmbeddingSize > 0 {
            embedding = PositionalEmbedding(
                name: "pos", nodes: landmarkCount, inputFeatures: 3,
                embeddingSize: configuration.positionalEmbeddingSize, generator: &generator)
            features += configuration.positionalEmbeddingSize
        } else {
            embedding = nil
        }

        var levels: [[Layer]] = []
        for level in 0..<levelCount {
            var layers: [Layer] = []
            for (index, width) in configuration.levelWidths[level].enumerated() {
                let name = "level\(level).\(index)"
                let convolution: any Layer
                if level == 0 && index == 0 && usesEmbeddedInput {
                    convolution = EmbeddedGraphConvolution(
                        embeddingName: "pos", convolutionName: name + ".conv.lin", inputFeatures: 3,
                        embeddingSize: configuration.positionalEmbeddingSize, outputFeatures: width,
                        normalizedAdjacency: hierarchy.levels[0].normalized, generator: &generator)
                } else if configuration.convolution == .gat {
                    let attention = GraphAttention(
                        name: name + ".conv", inputFeatures: features, outputFeatures: width,
                        neighbours: hierarchy.levels[level].normalized, attention: configuration.attention,
                        generator: &generator)
                    attention.computesInputGradient = level > 0 || index > 0 || embedding != nil
                    convolution = attention
                } else {
                    let plain = GraphConvolution(
                        name: name + ".conv.lin", inputFeatures: features, outputFeatures: width,
                        normalizedAdjacency: hierarchy.levels[level].normalized, generator: &generator)
                    plain.computesInputGradient = level > 0 || index > 0 || embedding != nil
                    convolution = plain
                }
                let normalization = BatchNormalization(name: name + ".bn", features: width)
                if configuration.batchNormalization && configuration.activation == .relu && fusesBlocks {
                    layers.append(
                        GraphConvolutionBlock(
                            convolution: convolution, normalization: normalization,
                            dropoutProbability: configuration.dropout))
                } else {
                    layers.append(convolution)
                    if configuration.batchNormalization { layers.append(normalization) }
                    layers.append(Self.activation(configuration.activation))
                    if configuration.dropout > 0 { layers.append(Dropout(probability: configuration.dropout)) }
                }
                features = width
            }
            levels.append(layers)
        }
        self.levels = levels
        poolings = hierarchy.partitions.map { RegionPooling(partition: $0) }
        levelZeroMean =
            levelCount > 1
            ? RegionPooling(meanFromBlocksOf: hierarchy.partitions[0]) : RegionPooling(meanOverNodes: landmarkCount)
        lastLevelMean =
            configuration.variant == .full ? RegionPooling(meanOverNodes: hierarchy.levels[2].nodeCount) : nil

        var head: [Layer] = []
        var width = configuration.readoutWidth
        for (index, hidden) in configuration.headWidths.enumerated() {
            head.append(
                Linear(name: "head.\(index)", inputFeatures: width, outputFeatures: hidden, generator: &generator))
            head.append(Self.activation(configuration.activation))
            if configuration.dropout > 0 { head.append(Dropout(probability: configuration.dropout)) }
            width = hidden
        }
        head.append(
            Linear(
                name: "head.\(configuration.headWidths.count)", inputFeatures: width, outputFeatures: classCount,
                generator: &generator))
        self.head = head
    }

    /// With more than one compute thread, the layers split their products themselves (groups of
    /// samples, blocks of rows or columns, each an sgemm on one OpenBLAS thread): OpenBLAS's own
    /// threads would otherwise wake for each product and then spin, competing with the layers' loops
    /// for the cores. Returns the count to restore.
    private static func oneBLASThread(when condition: Bool) throws(BLASError) -> Int {
        let count = BLAS.threadCount
        if condition && count != 1 { try BLAS.setThreadCount(1) }
        return count
    }

    private static func restoreBLASThreads(_ count: Int) {
        if BLAS.threadCount != count { try? BLAS.setThreadCount(count) }
    }

    private static func activation(_ kind: ModelConfiguration.Activation) -> Layer {
        switch kind {
        case .relu: return ReLU()
        case .elu: return ELU()
        }
    }

    private var allLayers: [Layer] {
        (embedding.map { [$0] } ?? []) + levels.flatMap { $0 } + head
    }

    /// Every trainable parameter, in a fixed order.
    public var parameters: [Parameter] { allLayers.flatMap(\.parameters) }

    /// Every non-trainable state tensor (running statistics), in a fixed order.
    public var buffers: [(name: String, tensor: Tensor)] { allLayers.flatMap(\.buffers) }

    /// Every tensor a model file stores: the parameters' values, then the buffers.
    public var namedTensors: [(name: String, tensor: Tensor)] {
        parameters.map { ($0.name, $0.value) } + buffers
    }

    /// The number of trainable numbers.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Logits `[batch, classes]` for normalised landmarks `[batch, 68, 3]`.
    public func forward(_ landmarks: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        threads = context.threads
        let blasThreads = try Self.oneBLASThread(when: threads > 1)
        defer { Self.restoreBLASThreads(blasThreads) }
        return try logits(readout: readout.forward(levelParts(landmarks, context: &context)), context: &context)
    }

    /// The width of a sample's readout, the head's input.
    var readoutWidth: Int { configuration.readoutWidth }

    /// Writes the readouts `[batch, readoutWidth]` of `landmarks` to `target`: every level, without
    /// the head, so that a caller can run the head on more rows at once than the levels
    /// (`GlarePredictor`). OpenBLAS's threads are the caller's business.
    func writeReadout(
        _ landmarks: Tensor, context: inout LayerContext, into target: UnsafeMutablePointer<Float>
    ) throws(BLASError) {
        threads = context.threads
        readout.forward(try levelParts(landmarks, context: &context), into: target)
    }

    /// The levels, pooling between them, and the readout's parts: the level-0 mean, the level-1
    /// nodes and the last level's mean, as far as the variant goes.
    private func levelParts(_ landmarks: Tensor, context: inout LayerContext) throws(BLASError) -> [Tensor] {
        var current = landmarks
        if let embedding { current = try embedding.forward(current, context: &context) }
        var levelOutputs: [Tensor] = []
        var pooledLevelZero: Tensor?
        for (level, layers) in levels.enumerated() {
            if level > 0 { current = try poolings[level - 1].forward(current, context: &context) }
            if level == 1 { pooledLevelZero = current }
            for layer in layers { current = try layer.forward(current, context: &context) }
            levelOutputs.append(current)
        }

        var parts = [try levelZeroMean.forward(pooledLevelZero ?? levelOutputs[0], context: &context)]
        if levelOutputs.count > 1 { parts.append(levelOutputs[1]) }
        if let lastLevelMean { parts.append(try lastLevelMean.forward(levelOutputs[2], context: &context)) }
        return parts
    }

    /// The head on readouts `[rows, readoutWidth]`: logits `[rows, classes]`.
    func logits(readout: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        var current = readout
        for layer in head { current = try layer.forward(current, context: &context) }
        return current
    }

    /// Back-propagates the gradient of the loss with respect to the logits of the last forward
    /// pass, setting every parameter's gradient.
    public func backward(_ logitGradient: Tensor) throws(BLASError) {
        let blasThreads = try Self.oneBLASThread(when: threads > 1)
        defer { Self.restoreBLASThreads(blasThreads) }
        var gradient = logitGradient
        for layer in head.reversed() { gradient = try layer.backward(gradient) }
        let parts = readout.backward(gradient)

        // Each level's output gradient is its readout part plus what flows back from the level above,
        // added in place into the readout part (a tensor of the mean pooling or of the readout).
        var above: Tensor?
        for level in (0..<levels.count).reversed() {
            var layers = levels[level][...]
            var current: Tensor
            if level == 0, let above {
                // The level-0 mean was taken from the regions: its gradient joins the regions' (a small
                // tensor), and the level's last block expands that through the pooling row by row.
                levelZeroMean.backward(parts[0], addingInto: above)
                if let block = layers.last as? GraphConvolutionBlock {
                    current = try block.backward(pooledGradient: above, through: poolings[0])
                    layers = layers.dropLast()
                } else {
                    current = try poolings[0].backward(above)
                }
            } else {
                switch level {
                case 0: current = try levelZeroMean.backward(parts[0])
                case 1: current = parts[1]
                default: current = try lastLevelMean!.backward(parts[2])
                }
                if let above { poolings[level].backward(above, addingInto: current) }
            }
            for layer in layers.reversed() { current = try layer.backward(current) }
            above = current
        }
        let fromAbove = above
        if let embedding, let fromAbove { _ = try embedding.backward(fromAbove) }
    }
}
