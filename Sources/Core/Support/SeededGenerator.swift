/// A small, fast, seedable random number generator (SplitMix64), so that every random choice in
/// glare (data generation, splits, shuffles, initial weights, dropout, augmentation) repeats
/// exactly from a seed.
///
/// SplitMix64 passes BigCrush and needs one word of state, which a checkpoint stores as is.
public struct SeededGenerator: RandomNumberGenerator, Codable, Sendable, Equatable {
    /// The whole state; save it to continue the same sequence later.
    public var state: UInt64

    /// Starts the sequence for `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniform `Float` in [0, 1).
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A standard normal sample (Box-Muller; the second value of the pair is dropped for simplicity).
    public mutating func nextGaussian() -> Float {
        let u1 = max(Float(next() >> 40) * 0x1p-24, 0x1p-25)
        let u2 = Float(next() >> 40) * 0x1p-24
        return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
