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
        /// Graph attention. TODO(model): not built yet; configurations asking for it are refused.
        case gat
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
    /// The activation in the blocks and the head.
    public var activation: Activation = .relu
    /// Features of the learned per-landmark embedding appended to x, y, z (0 for none).
    public var positionalEmbeddingSize = 16
    /// Output widths of the convolutions at each level; `levelWidths[level]` lists that level's layers.
    public var levelWidths: [[Int]] = [[64, 64], [128, 128], [128]]
    /// Hidden widths of the head before the class layer.
    public var headWidths: [Int] = [128]
    /// Dropout probability after every block and every hidden head layer.
    public var dropout: Float = 0.3
    /// Whether each convolution is followed by batch normalisation.
    public var batchNormalization = true
    /// How raw landmarks are normalised before the network sees them.
    public var normalization: LandmarkNormalization = .rootMeanSquareRadius
    /// The level-0 graph.
    public var topology: LandmarkTopology = .peer
    /// The partitions from each level to the next (regions, then super-regions).
    public var partitions: [Partition] = [.regions, .superRegions]

    /// The peer's GLaRE-ref architecture (the default).
    public init() {}

    /// The peer's GLaRE-ref architecture, by name.
    public static let peerReference = ModelConfiguration()

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
        guard convolution == .gcn else { throw .unsupported("the GAT convolution is not built yet; use gcn") }
        guard positionalEmbeddingSize >= 0 else { throw .invalid("positional embedding size must be >= 0") }
        guard levelWidths.count >= variant.levelCount else {
            throw .invalid("variant \(variant.rawValue) needs widths for \(variant.levelCount) levels")
        }
        for level in 0..<variant.levelCount {
            guard !levelWidths[level].isEmpty, levelWidths[level].allSatisfy({ $0 > 0 }) else {
                throw .invalid("level \(level) needs at least one positive width")
            }
        }
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
