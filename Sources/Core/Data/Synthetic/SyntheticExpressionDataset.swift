// CONTRACT PLACEHOLDER: the model work replaces this file with the real generator.
/// The embedded synthetic dataset (`builtin:synthetic`).
public enum SyntheticExpressionDataset {
    /// Generates `samples` faces with seed `seed`.
    public static func make(samples: Int, seed: UInt64) -> LandmarkDataset {
        fatalError("synthetic generator not built yet")
    }
}
