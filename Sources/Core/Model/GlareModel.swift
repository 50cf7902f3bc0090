// CONTRACT PLACEHOLDER: the model work replaces this file; the members below are the contract
// with the inference runner.
import Foundation

/// A trained GLaRE model as stored in a model file.
public final class GlareModel: @unchecked Sendable {
    /// The class names, in the order of the probabilities `predictProbabilities` returns.
    public var classNames: [String] { fatalError("model not built yet") }

    /// Loads a model file; refuses a truncated file or one from a future format version.
    public static func load(contentsOf url: URL) throws -> GlareModel {
        fatalError("model not built yet")
    }

    /// Class probabilities for `count` faces given as raw landmarks (`count * 204` values, sample-major,
    /// in any consistent coordinates: the model normalises them itself). Returns `count * classNames.count`
    /// probabilities, sample-major.
    public func predictProbabilities(landmarks: [Float], count: Int) -> [Float] {
        fatalError("model not built yet")
    }
}
