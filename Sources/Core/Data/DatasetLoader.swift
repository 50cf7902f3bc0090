// CONTRACT PLACEHOLDER: the faces and data work replaces this body; the signature is the contract
// with the training and evaluation runners.
import Foundation

/// Reads any dataset spec into landmarks and labels.
public enum DatasetLoader {
    /// Loads `spec`, extracting landmarks from images through the cache in `cacheDirectory` where the
    /// dataset has images, and reporting extraction progress through `progress`.
    public static func load(
        _ spec: DatasetSpec, cacheDirectory: URL, progress: @Sendable (ProgressEvent) -> Void = { _ in }
    ) throws -> LandmarkDataset {
        switch spec.kind {
        case .builtin:
            let samples = Int(spec.options["samples"] ?? "") ?? 4000
            let seed = UInt64(spec.options["seed"] ?? "") ?? 1
            return SyntheticExpressionDataset.make(samples: samples, seed: seed)
        default:
            fatalError("dataset readers not built yet")
        }
    }
}
