/// Every architectural choice of a GLaRE network, recorded in its model file.
///
/// The default is exactly the benchmark peer's GLaRE-ref: a 16-feature learned positional
/// embedding next to x, y, z; GCN 19->64->64 on the landmarks, pooling to the 9 regions, GCN
/// 64->128->128, pooling to 3 super-regions, GCN 128->128; readout of 64 + 9 x 128 + 128 = 1344
/// features; head Linear 128, ReLU, Dropout, Linear to the classes; every GCN followed by
/// BatchNorm, ReLU and Dropout(0.3); landmarks normalised to centroid 0 and RMS radius 1.
public struct ModelConfiguration: Codable, Sendable, Equatable {
    /// How much of the graph hierarchy the network uses (the paper's ablation).
    public enum Variant: String, Codable, Sendable, CaseIterable {
        /// Level 0 only; the readout is the mean over the landmarks.
        case landmarks
        /// Levels 0 and 1; the readout adds the nine region vectors.
        case regions
        /// Levels 0, 1 and 2; the readout adds the mean over the super-regions.
        case full

        /// The number of graph levels the variant runs.
        public var levelCount: Int {
            switch self {
            case .landmarks: return 1
            case .regions: return 2
            case .full: return 3
            }
        }
    }

    /// The graph convolution.
    public enum Convolution: String, Codable, Sendable, CaseIterable {
        /// GCN with symmetric normalisation.
        case gcn
        /// Graph attention (`GraphAttention`), shaped by `attention`.
        case gat
    }

    /// The settings of the graph attention convolution (used when `convolution` is `gat`).
    public struct Attention: Codable, Sendable, Equatable {
        /// How the heads' outputs become the layer's output.
        public enum HeadCombination: String, Codable, Sendable, CaseIterable {
            /// Side by side: each head has `width / heads` features (the width must divide).
            case concatenate
            /// The mean of the heads: each head has the full width.
            case average
        }

        /// Attention heads per layer.
        public var heads = 4
        /// How the heads are combined.
        public var headCombination = HeadCombination.concatenate
        /// The slope of the LeakyReLU on the attention logits for negative values.
        public var negativeSlope: Float = 0.2

        /// Four concatenated heads with slope 0.2 (the GAT paper's hidden layers).
        public init() {}
    }

    /// The non-linearity after each normalisation.
    public enum Activation: String, Codable, Sendable, CaseIterable {
        /// `max(x, 0)`.
        case relu
        /// `x` or `e^x - 1`.
        case elu
    }

    /// Which levels run.
    public var variant: Variant = .full
    /// The convolution at every level.
    public var convolution: Convolution = .gcn
    /// Heads, head combination and slope of the attention convolution.
    public var attention = Attention()
    /// The activation in the blocks and the head.
    public var activation: Activation = .relu
    /// Features of the learned per-landmark embedding appended to x, y, z (0 for none).
    public var positionalEmbeddingSize = 16
    /// Output widths of the convolutions at each level; `levelWidths[level]` lists that level's layers.
    public var levelWidths: [[Int]] = [[64, 64], [128, 128], [128]]
    /// Hidden widths of the head before the class layer.
    public var headWidths: [Int] = [128]
    /// Dropout probability after every block and every hidden head layer.
    ///
    /// 0.1, where the peer has 0.3: on the embedded set (4,000 faces, 40 epochs, one seed) the full
    /// model reached 0.51 held-out accuracy with 0.3, 0.82 with 0.1 and 0.92 with none, and with
    /// 0.3 a set of 2,000 faces stayed at chance (a loss of ln 8) for 15 epochs. Real data with
    /// label noise may want more; `--option dropout=` sets it.
    public var dropout: Float = 0.1
    /// Whether each convolution is followed by batch normalisation.
    public var batchNormalization = true
    /// How raw landmarks are normalised before the network sees them.
    public var normalization: LandmarkNormalization = .rootMeanSquareRadius
    /// The level-0 graph.
    public var topology: LandmarkTopology = .peer
    /// The partitions from each level to the next (regions, then super-regions).
    public var partitions: [Partition] = [.regions, .superRegions]

    /// glare's default model: the peer's GLaRE-ref architecture with less dropout.
    public init() {}

    /// The peer's GLaRE-ref architecture exactly (dropout 0.3), which `glare-bench model` times.
    public static let peerReference: ModelConfiguration = {
        var configuration = ModelConfiguration()
        configuration.dropout = 0.3
        return configuration
    }()

    /// The width of the readout vector the head reads.
    public var readoutWidth: Int {
        let levelZero = levelWidths[0].last ?? 0
        switch variant {
        case .landmarks: return levelZero
        case .regions: return levelZero + partitions[0].blockCount * (levelWidths[1].last ?? 0)
        case .full:
            return levelZero + partitions[0].blockCount * (levelWidths[1].last ?? 0) + (levelWidths[2].last ?? 0)
        }
    }

    /// Checks that the choices fit together.
    public func validate() throws(ModelConfigurationError) {
        guard positionalEmbeddingSize >= 0 else { throw .invalid("positional embedding size must be >= 0") }
        guard levelWidths.count >= variant.levelCount else {
            throw .invalid("variant \(variant.rawValue) needs widths for \(variant.levelCount) levels")
        }
        for level in 0..<variant.levelCount {
            guard !levelWidths[level].isEmpty, levelWidths[level].allSatisfy({ $0 > 0 }) else {
                throw .invalid("level \(level) needs at least one positive width")
            }
        }
        if convolution == .gat { try validateAttention() }
        guard headWidths.allSatisfy({ $0 > 0 }) else { throw .invalid("head widths must be positive") }
        guard dropout >= 0, dropout < 1 else { throw .invalid("dropout must be in [0, 1)") }
        guard partitions.count >= variant.levelCount - 1 else {
            throw .invalid("variant \(variant.rawValue) needs \(variant.levelCount - 1) partitions")
        }
        var nodes = topology.nodeCount
        for partition in partitions.prefix(variant.levelCount - 1) {
            guard partition.nodeCount == nodes else {
                throw .invalid("a partition covers \(partition.nodeCount) nodes where the level has \(nodes)")
            }
            nodes = partition.blockCount
        }
    }
}

extension ModelConfiguration {
    private enum CodingKeys: String, CodingKey {
        case variant, convolution, attention, activation, positionalEmbeddingSize, levelWidths, headWidths, dropout
        case batchNormalization, normalization, topology, partitions
    }

    /// Decodes a configuration; `attention`, which model files written before GAT existed lack,
    /// takes its default when absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        variant = try container.decode(Variant.self, forKey: .variant)
        convolution = try container.decode(Convolution.self, forKey: .convolution)
        attention = try container.decodeIfPresent(Attention.self, forKey: .attention) ?? Attention()
        activation = try container.decode(Activation.self, forKey: .activation)
        positionalEmbeddingSize = try container.decode(Int.self, forKey: .positionalEmbeddingSize)
        levelWidths = try container.decode([[Int]].self, forKey: .levelWidths)
        headWidths = try container.decode([Int].self, forKey: .headWidths)
        dropout = try container.decode(Float.self, forKey: .dropout)
        batchNormalization = try container.decode(Bool.self, forKey: .batchNormalization)
        normalization = try container.decode(LandmarkNormalization.self, forKey: .normalization)
        topology = try container.decode(LandmarkTopology.self, forKey: .topology)
        partitions = try container.decode([Partition].self, forKey: .partitions)
    }

    /// Heads at least 1, a finite non-negative slope, and widths the heads divide when concatenated.
    private func validateAttention() throws(ModelConfigurationError) {
        guard attention.heads >= 1 else { throw .invalid("attention needs at least one head") }
        guard attention.negativeSlope.isFinite, attention.negativeSlope >= 0 else {
            throw .invalid("the attention slope must be a finite number >= 0")
        }
        guard attention.headCombination == .concatenate else { return }
        for level in 0..<variant.levelCount {
            for width in levelWidths[level] where width % attention.heads != 0 {
                throw .invalid(
                    "level \(level) width \(width) is not a multiple of \(attention.heads) concatenated heads")
            }
        }
    }
}

/// Why a model configuration was refused.
public enum ModelConfigurationError: Error, Equatable, CustomStringConvertible {
    /// Choices that do not fit together.
    case invalid(String)
    /// A choice glare does not implement yet.
    case unsupported(String)
    /// An option key that no part reads.
    case unknownOption(key: String, known: [String])
    /// An option whose value cannot be read.
    case badValue(key: String, value: String, expected: String)

    /// A short lower-case message.
    public var description: String {
        switch self {
        case .invalid(let detail): return "invalid model configuration: \(detail)"
        case .unsupported(let detail): return "unsupported model configuration: \(detail)"
        case .unknownOption(let key, let known):
            return "unknown option '\(key)'; known options: \(known.joined(separator: ", "))"
        case .badValue(let key, let value, let expected): return "option \(key)=\(value): expected \(expected)"
        }
    }
}
