/// A seeded split into train, validation and test that keeps each class's share in every part.
///
/// Within each class the samples are shuffled with `SeededGenerator(seed)`; the first
/// `round(n * testFraction)` go to test, the next `round(n * validationFraction)` to validation,
/// the rest to train. The same labels, fractions and seed always give the same split.
public enum StratifiedSplit {
    /// One split per label, in the labels' order.
    public static func assign(
        labels: [Int], validationFraction: Double, testFraction: Double, seed: UInt64
    ) -> [DatasetSplit] {
        var splits = [DatasetSplit](repeating: .train, count: labels.count)
        var membersByClass: [Int: [Int]] = [:]
        for (index, label) in labels.enumerated() { membersByClass[label, default: []].append(index) }

        var generator = SeededGenerator(seed: seed)
        for label in membersByClass.keys.sorted() {
            var members = membersByClass[label]!
            members.shuffle(using: &generator)
            let testCount = Int((Double(members.count) * testFraction).rounded())
            let validationCount = min(
                members.count - testCount, Int((Double(members.count) * validationFraction).rounded()))
            for index in members.prefix(testCount) { splits[index] = .test }
            for index in members.dropFirst(testCount).prefix(validationCount) { splits[index] = .validation }
        }
        return splits
    }
}
