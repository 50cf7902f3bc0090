// CONTRACT PLACEHOLDER: the model-data work replaces the bodies; the signatures are the contract.
/// Random changes to a normalised face that keep its expression: the trainer applies them to
/// every training batch.
public struct LandmarkAugmentation: Codable, Sendable, Equatable {
    /// Chance of mirroring x and swapping the left and right landmark indices.
    public var mirrorProbability: Float
    /// Largest in-plane rotation, degrees, either way.
    public var maximumRotationDegrees: Float
    /// Largest relative scale change, either way (0.05 = +-5 %).
    public var maximumScaleChange: Float
    /// Standard deviation of the Gaussian noise added to each coordinate.
    public var noiseStandardDeviation: Float

    /// Creates a setting; the defaults are mild.
    public init(
        mirrorProbability: Float = 0.5, maximumRotationDegrees: Float = 10, maximumScaleChange: Float = 0.05,
        noiseStandardDeviation: Float = 0.01
    ) {
        self.mirrorProbability = mirrorProbability
        self.maximumRotationDegrees = maximumRotationDegrees
        self.maximumScaleChange = maximumScaleChange
        self.noiseStandardDeviation = noiseStandardDeviation
    }

    /// No change at all.
    public static let none = LandmarkAugmentation(
        mirrorProbability: 0, maximumRotationDegrees: 0, maximumScaleChange: 0, noiseStandardDeviation: 0)

    /// Augments `count` normalised faces in place, drawing from `generator`.
    public func apply(to landmarks: inout [Float], count: Int, generator: inout SeededGenerator) {
        fatalError("augmentation not built yet")
    }
}
