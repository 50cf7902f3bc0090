import Foundation

/// A trained GLaRE model: the network, its class names and how it was trained, as stored in a
/// model file (`model.glare`).
///
/// The file is a `TensorArchive` of type `GLAREMDL` whose JSON header holds the format name, the
/// `ModelConfiguration` (variant, widths, normalisation, topology, partitions), the class names and
/// a training summary, followed by every parameter and running statistic. Loading a saved model
/// gives bit-identical predictions.
public final class GlareModel: @unchecked Sendable {
    /// The archive type of model files.
    static let magic = "GLAREMDL"

    /// The network. Not thread-safe on its own; `GlareModel`'s methods serialise access to it.
    public let network: GlareNetwork
    /// The architecture.
    public var configuration: ModelConfiguration { network.configuration }
    /// Figures from training (test accuracy, epochs, samples, ...), recorded in the file.
    public let trainingSummary: [String: Double]
    private let storedClassNames: [String]
    private let predictor: GlarePredictor
    private let lock = NSLock()

    /// The class names, in the order of the probabilities `predictProbabilities` returns.
    public var classNames: [String] { storedClassNames }

    /// Wraps a trained network.
    public init(network: GlareNetwork, classNames: [String], trainingSummary: [String: Double] = [:]) {
        precondition(
            classNames.count == network.classCount, "\(classNames.count) names for \(network.classCount) classes")
        self.network = network
        storedClassNames = classNames
        self.trainingSummary = trainingSummary
        predictor = GlarePredictor(network: network)
    }

    /// Loads a model file; refuses a truncated file or one from a future format version.
    public static func load(contentsOf url: URL) throws -> GlareModel {
        let archive = try TensorArchive.read(from: url, magic: magic)
        let path = url.path
        let header = try archive.decodeHeader(StoredHeader.self, path: path)
        guard header.classNames.count >= 2 else {
            throw ModelFileError.corrupt(path: path, detail: "fewer than two classes")
        }
        var generator = SeededGenerator(seed: 0)
        let network = try GlareNetwork(
            configuration: header.configuration, classCount: header.classNames.count, generator: &generator)
        try Self.restore(network.namedTensors, from: archive.tensors, prefix: "", path: path)
        return GlareModel(network: network, classNames: header.classNames, trainingSummary: header.trainingSummary)
    }

    /// The header fields `load` needs, decoded in one pass (each inference job loads a model).
    private struct StoredHeader: Decodable {
        var configuration: ModelConfiguration
        var classNames: [String]
        var trainingSummary: [String: Double]

        private enum CodingKeys: String, CodingKey {
            case configuration, classNames, trainingSummary
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            configuration = try container.decode(ModelConfiguration.self, forKey: .configuration)
            classNames = try container.decode([String].self, forKey: .classNames)
            // The summary only informs: a model whose summary cannot be read still loads.
            trainingSummary = (try? container.decodeIfPresent([String: Double].self, forKey: .trainingSummary)) ?? [:]
        }
    }

    /// Copies stored tensors named `prefix + name` into `targets`; every target must be present with its shape.
    static func restore(
        _ targets: [(name: String, tensor: Tensor)], from stored: [(name: String, shape: [Int], values: [Float])],
        prefix: String, path: String
    ) throws(ModelFileError) {
        var byName: [String: (shape: [Int], values: [Float])] = [:]
        for tensor in stored { byName[tensor.name] = (tensor.shape, tensor.values) }
        for target in targets {
            guard let found = byName[prefix + target.name] else {
                throw .corrupt(path: path, detail: "tensor \(prefix + target.name) is missing")
            }
            guard found.shape == target.tensor.shape else {
                throw .corrupt(
                    path: path,
                    detail: "tensor \(prefix + target.name) has shape \(found.shape), expected \(target.tensor.shape)")
            }
            found.values.withUnsafeBufferPointer {
                target.tensor.pointer.update(from: $0.baseAddress!, count: $0.count)
            }
        }
    }

    /// Writes the model file to `url` atomically (temporary file, then rename).
    public func save(to url: URL) throws {
        let header: [String: Any] = [
            "format": "glare-model",
            "configuration": try TensorArchive.jsonObject(configuration),
            "classNames": storedClassNames,
            "trainingSummary": trainingSummary,
            "parameterCount": network.parameterCount,
        ]
        let tensors = lock.withLock { network.namedTensors.map { ($0.name, $0.tensor.shape, $0.tensor.values) } }
        try TensorArchive(magic: Self.magic, header: header, tensors: tensors).write(to: url)
    }

    /// Class probabilities for `count` faces given as raw landmarks (`count * 204` values, sample-major,
    /// in any consistent coordinates: the model normalises them itself). Returns `count * classNames.count`
    /// probabilities, sample-major.
    public func predictProbabilities(landmarks: [Float], count: Int) -> [Float] {
        precondition(
            landmarks.count == count * LandmarkDataset.valuesPerSample, "expected \(count) faces of 204 values")
        var normalized = landmarks
        configuration.normalization.apply(to: &normalized, count: count)
        return lock.withLock {
            do {
                return try predictor.probabilities(normalizedLandmarks: normalized, count: count)
            } catch {
                // The shapes were checked above, so BLAS cannot refuse them.
                preconditionFailure("prediction failed: \(error)")
            }
        }
    }

    /// The most probable class index of each of `count` faces given as raw landmarks.
    public func predictClasses(landmarks: [Float], count: Int) -> [Int] {
        let probabilities = predictProbabilities(landmarks: landmarks, count: count)
        let classes = storedClassNames.count
        return (0..<count).map { sample in
            let row = probabilities[sample * classes..<(sample + 1) * classes]
            return row.indices.max { row[$0] < row[$1] }! - sample * classes
        }
    }
}
