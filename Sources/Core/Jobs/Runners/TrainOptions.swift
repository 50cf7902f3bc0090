/// A training job's settings read from its spec: variant, epochs and `key=value` options.
///
/// Model options: `embedding` (positional embedding size), `widths0`, `widths1`, `widths2`
/// (comma-separated layer widths per level), `head` (comma-separated hidden widths), `dropout`,
/// `activation` (relu, elu), `batchnorm` (true, false), `normalization` (interOcular,
/// rootMeanSquareRadius), `topology` (peer, anatomical, delaunay), and for GAT `heads`,
/// `head_combination` (concatenate, average) and `attention_slope`. Training options: `batch_size`,
/// `learning_rate`, `weight_decay`, `optimizer` (adam, adamw), `schedule` (constant, cosine,
/// plateau), `min_learning_rate`, `clip` (0 turns it off), `patience` (0 turns early stopping off),
/// `validation_fraction`, `test_fraction`, `seed`, `augment` (true, false), `class_weights`
/// (none, balanced), `threads`.
public struct TrainOptions: Sendable, Equatable {
    /// The architecture: glare's default model unless options change it.
    public var model = ModelConfiguration()
    /// The training settings.
    public var training = TrainingConfiguration()
    /// The share held out for the test figures when the dataset defines no test split.
    public var testFraction = 0.15
    /// Whether the loss weights classes by inverse frequency (filled in from the data).
    public var balancesClasses = false
    /// Threads for OpenBLAS and the Swift loops, when set.
    public var threads: Int?

    /// The largest batch, layer width, positional embedding and thread count an option may ask
    /// for. Sizes far past these only end in the worker dying when it allocates them.
    public static let maximumBatchSize = 65536
    /// The widest layer (`widths0`..., `head`) and the largest `embedding`.
    public static let maximumWidth = 4096
    /// The most layers one level (or the head) may have.
    public static let maximumLayers = 16
    /// The most attention heads.
    public static let maximumHeads = 64
    /// The most threads.
    public static let maximumThreads = 256

    /// Every option key the job reads.
    public static let knownKeys = [
        "activation", "attention_slope", "augment", "batch_size", "batchnorm", "class_weights", "clip", "dropout",
        "embedding", "head", "head_combination", "heads", "learning_rate", "min_learning_rate", "normalization",
        "optimizer", "patience", "schedule", "seed", "test_fraction", "threads", "topology", "validation_fraction",
        "weight_decay", "widths0", "widths1", "widths2",
    ]

    /// Reads `variant` (`landmarks`, `regions`, `full`, optionally with `-gcn` or `-gat`), `epochs`
    /// and `options`; an unknown key or a bad value is an error naming it.
    public init(variant: String?, epochs: Int?, options: [String: String]) throws(ModelConfigurationError) {
        if let variant {
            var name = Substring(variant)
            if let dash = variant.lastIndex(of: "-") {
                let suffix = variant[variant.index(after: dash)...]
                guard let convolution = ModelConfiguration.Convolution(rawValue: String(suffix)) else {
                    throw .badValue(
                        key: "variant", value: variant, expected: "landmarks, regions or full, optionally -gcn or -gat")
                }
                model.convolution = convolution
                name = variant[..<dash]
            }
            guard let parsed = ModelConfiguration.Variant(rawValue: String(name)) else {
                throw .badValue(
                    key: "variant", value: variant, expected: "landmarks, regions or full, optionally -gcn or -gat")
            }
            model.variant = parsed
        }
        if let epochs {
            guard epochs >= 1 else { throw .badValue(key: "epochs", value: String(epochs), expected: "at least 1") }
            training.epochs = epochs
        }
        for key in options.keys.sorted() {
            try apply(key: key, value: options[key]!)
        }
        try model.validate()
    }

    private mutating func apply(key: String, value: String) throws(ModelConfigurationError) {
        switch key {
        case "embedding": model.positionalEmbeddingSize = try Self.integer(key, value, in: 0...Self.maximumWidth)
        case "widths0", "widths1", "widths2":
            let level = Int(String(key.last!))!
            model.levelWidths[level] = try Self.widths(key, value)
        case "head": model.headWidths = value.isEmpty || value == "none" ? [] : try Self.widths(key, value)
        case "dropout": model.dropout = try Self.number(key, value, range: 0..<1)
        case "activation": model.activation = try Self.choice(key, value)
        case "batchnorm": model.batchNormalization = try Self.boolean(key, value)
        case "normalization": model.normalization = try Self.choice(key, value)
        case "heads": model.attention.heads = try Self.integer(key, value, in: 1...Self.maximumHeads)
        case "head_combination": model.attention.headCombination = try Self.choice(key, value)
        case "attention_slope": model.attention.negativeSlope = try Self.number(key, value, range: 0..<1)
        case "topology":
            guard let topology = LandmarkTopology.named(value) else {
                throw .badValue(
                    key: key, value: value, expected: "one of " + LandmarkTopology.builtInNames.joined(separator: ", "))
            }
            model.topology = topology
        case "batch_size": training.batchSize = try Self.integer(key, value, in: 1...Self.maximumBatchSize)
        case "learning_rate": training.learningRate = try Self.number(key, value, range: 1e-9..<10)
        case "min_learning_rate": training.minimumLearningRate = try Self.number(key, value, range: 0..<10)
        case "weight_decay": training.optimizer.weightDecay = try Self.number(key, value, range: 0..<10)
        case "optimizer": training.optimizer.kind = try Self.choice(key, value)
        case "schedule": training.schedule = try Self.choice(key, value)
        case "clip":
            let norm: Float = try Self.number(key, value, range: 0..<1e9)
            training.gradientClipNorm = norm > 0 ? norm : nil
        case "patience":
            let patience = try Self.integer(key, value, in: 0...Int.max)
            training.earlyStoppingPatience = patience > 0 ? patience : nil
        case "validation_fraction": training.validationFraction = Double(try Self.number(key, value, range: 0..<0.9))
        case "test_fraction": testFraction = Double(try Self.number(key, value, range: 0..<0.9))
        case "seed":
            guard let seed = UInt64(value) else {
                throw .badValue(key: key, value: value, expected: "an unsigned integer")
            }
            training.seed = seed
        case "augment": training.augmentation = try Self.boolean(key, value) ? LandmarkAugmentation() : .none
        case "class_weights":
            guard value == "none" || value == "balanced" else {
                throw .badValue(key: key, value: value, expected: "none or balanced")
            }
            balancesClasses = value == "balanced"
        case "threads": threads = try Self.integer(key, value, in: 1...Self.maximumThreads)
        default: throw .unknownOption(key: key, known: Self.knownKeys)
        }
    }

    private static func integer(
        _ key: String, _ value: String, in range: ClosedRange<Int>
    ) throws(ModelConfigurationError) -> Int {
        guard let number = Int(value), range.contains(number) else {
            let expected =
                range.upperBound == Int.max
                ? "an integer >= \(range.lowerBound)" : "an integer from \(range.lowerBound) to \(range.upperBound)"
            throw .badValue(key: key, value: value, expected: expected)
        }
        return number
    }

    private static func number(
        _ key: String, _ value: String, range: Range<Float>
    ) throws(ModelConfigurationError) -> Float {
        guard let number = Float(value), range.contains(number) else {
            throw .badValue(key: key, value: value, expected: "a number in [\(range.lowerBound), \(range.upperBound))")
        }
        return number
    }

    private static func widths(_ key: String, _ value: String) throws(ModelConfigurationError) -> [Int] {
        let widths = value.split(separator: ",").map { Int($0) }
        guard !widths.isEmpty, widths.count <= maximumLayers,
            widths.allSatisfy({ (1...maximumWidth).contains($0 ?? 0) })
        else {
            throw .badValue(
                key: key, value: value,
                expected: "1 to \(maximumLayers) integers from 1 to \(maximumWidth) separated by commas")
        }
        return widths.map { $0! }
    }

    private static func boolean(_ key: String, _ value: String) throws(ModelConfigurationError) -> Bool {
        switch value {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw .badValue(key: key, value: value, expected: "true or false")
        }
    }

    private static func choice<Choice: RawRepresentable & CaseIterable>(
        _ key: String, _ value: String
    ) throws(ModelConfigurationError) -> Choice where Choice.RawValue == String {
        guard let choice = Choice(rawValue: value) else {
            throw .badValue(
                key: key, value: value, expected: "one of " + Choice.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return choice
    }
}
