/// A seeded split of sample indices that keeps each class's share in every part.
public enum StratifiedSplit {
    /// Splits `labels`' indices into parts with the given fractions (the rest goes to the first
    /// part), class by class: each class's indices are shuffled with `seed` and cut in proportion.
    /// Every part's indices are in ascending order.
    public static func split(labels: [Int], fractions: [Double], seed: UInt64) -> [[Int]] {
        precondition(!fractions.isEmpty && fractions.allSatisfy { $0 >= 0 } && fractions.reduce(0, +) <= 1 + 1e-9)
        var generator = SeededGenerator(seed: seed)
        var byClass: [Int: [Int]] = [:]
        for (index, label) in labels.enumerated() { byClass[label, default: []].append(index) }
        var parts = [[Int]](repeating: [], count: fractions.count + 1)
        for label in byClass.keys.sorted() {
            var indices = byClass[label]!
            indices.shuffle(using: &generator)
            var start = 0
            for (part, fraction) in fractions.enumerated() {
                let size = Int((Double(indices.count) * fraction).rounded())
                let end = min(start + size, indices.count)
                parts[part + 1] += indices[start..<end]
                start = end
            }
            parts[0] += indices[start...]
        }
        return parts.map { $0.sorted() }
    }
}
