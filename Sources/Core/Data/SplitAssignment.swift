/// The split of each sample, for readers that make their own (FERG-DB, AffectNet's validation share).
enum SplitAssignment {
    /// One split per label, in the labels' order, from `StratifiedSplit` with the parts
    /// (train, validation, test): per class, `round(n * validationFraction)` samples to validation,
    /// then `round(n * testFraction)` to test, the rest to train, after a shuffle seeded with `seed`.
    static func splits(labels: [Int], validationFraction: Double, testFraction: Double, seed: UInt64) -> [DatasetSplit]
    {
        var splits = [DatasetSplit](repeating: .train, count: labels.count)
        let parts = StratifiedSplit.split(labels: labels, fractions: [validationFraction, testFraction], seed: seed)
        for index in parts[1] { splits[index] = .validation }
        for index in parts[2] { splits[index] = .test }
        return splits
    }
}
