/// BatchNorm's batch mean and variance, summed a group of rows at a time while a convolution's
/// output is still in cache, then combined.
///
/// A group's partial result is `[3, features]`: its first row `s` (the shift that keeps the
/// subtraction well conditioned), `sum (x - s)` and `sum (x - s)^2` over its rows. Groups are
/// combined in order with Chan's formula for the variance of a union, so the result depends on
/// the grouping (fixed by the batch size), never on the thread count.
enum BatchStatistics {
    /// Writes the partial result of the `count` rows at `rows` (`features` wide) to `target`.
    static func accumulate(
        _ rows: UnsafePointer<Float>, count: Int, features: Int, into target: UnsafeMutablePointer<Float>
    ) {
        let shift = target
        let sums = target + features
        let squares = target + 2 * features
        shift.update(from: rows, count: features)
        sums.update(repeating: 0, count: 2 * features)
        for row in 0..<count {
            let values = rows + row * features
            var feature = 0
            while feature + Vector.width <= features {
                let centred = Vector.load(values, feature) - Vector.load(shift, feature)
                Vector.store(Vector.load(sums, feature) + centred, sums, feature)
                Vector.store(Vector.load(squares, feature) + centred * centred, squares, feature)
                feature += Vector.width
            }
            while feature < features {
                let centred = values[feature] - shift[feature]
                sums[feature] += centred
                squares[feature] += centred * centred
                feature += 1
            }
        }
    }

    /// The mean and the biased variance over all groups' rows, from `groups` partial results at
    /// `partials`; group `g` has `rowCount(g)` rows.
    static func combine(
        _ partials: UnsafePointer<Float>, groups: Int, rowCount: (Int) -> Int, features: Int,
        mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
    ) {
        let total = Double((0..<groups).reduce(0) { $0 + rowCount($1) })
        for feature in 0..<features {
            var weightedMeans = 0.0
            var within = 0.0
            for group in 0..<groups {
                let partial = partials + group * 3 * features
                let count = Double(rowCount(group))
                let sum = Double(partial[features + feature])
                weightedMeans += count * Double(partial[feature]) + sum
                within += max(Double(partial[2 * features + feature]) - sum * sum / count, 0)
            }
            let overall = weightedMeans / total
            var between = 0.0
            for group in 0..<groups {
                let partial = partials + group * 3 * features
                let count = Double(rowCount(group))
                let groupMean = Double(partial[feature]) + Double(partial[features + feature]) / count
                between += count * (groupMean - overall) * (groupMean - overall)
            }
            mean[feature] = Float(overall)
            variance[feature] = Float((within + between) / total)
        }
    }
}
