#if canImport(Glibc)
    import Glibc
#endif

/// Random changes to a normalised face that keep its expression: the trainer applies them to
/// every training batch.
///
/// For each face, in this order: mirror with probability `mirrorProbability` (x negated about
/// the centroid, left and right landmarks swapped by `LandmarkSymmetry`); rotate in the image
/// plane (about z, around the centroid) by an angle uniform in
/// [-maximumRotationDegrees, maximumRotationDegrees]; scale about the centroid by
/// 1 + u, u uniform in [-maximumScaleChange, maximumScaleChange]; add N(0, noiseStandardDeviation^2)
/// to every coordinate. A step whose setting is zero draws nothing, so `.none` leaves faces and the
/// generator untouched. All randomness comes from the caller's `SeededGenerator`.
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
        precondition(landmarks.count >= count * LandmarkDataset.valuesPerSample, "fewer landmarks than faces")
        for sample in 0..<count {
            let offset = sample * LandmarkDataset.valuesPerSample

            if mirrorProbability > 0, generator.nextUnitFloat() < mirrorProbability {
                LandmarkSymmetry.mirror(&landmarks, offset: offset)
            }
            if maximumRotationDegrees > 0 {
                let degrees = (2 * generator.nextUnitFloat() - 1) * maximumRotationDegrees
                Self.rotateInPlane(&landmarks, offset: offset, radians: degrees * .pi / 180)
            }
            if maximumScaleChange > 0 {
                let factor = 1 + (2 * generator.nextUnitFloat() - 1) * maximumScaleChange
                Self.scale(&landmarks, offset: offset, by: factor)
            }
            if noiseStandardDeviation > 0 {
                for index in offset..<offset + LandmarkDataset.valuesPerSample {
                    landmarks[index] += noiseStandardDeviation * generator.nextGaussian()
                }
            }
        }
    }

    /// Rotates the face at `offset` by `radians` about the z axis through its centroid:
    /// (x, y) -> (c x - s y, s x + c y) relative to the centroid; z is unchanged.
    public static func rotateInPlane(_ landmarks: inout [Float], offset: Int, radians: Float) {
        let (centerX, centerY) = centroidXY(landmarks, offset: offset)
        let cosine = cosf(radians)
        let sine = sinf(radians)
        for point in 0..<LandmarkDataset.landmarkCount {
            let index = offset + point * 3
            let x = landmarks[index] - centerX
            let y = landmarks[index + 1] - centerY
            landmarks[index] = centerX + cosine * x - sine * y
            landmarks[index + 1] = centerY + sine * x + cosine * y
        }
    }

    /// Scales the face at `offset` by `factor` about its centroid, in all three axes.
    public static func scale(_ landmarks: inout [Float], offset: Int, by factor: Float) {
        let (centerX, centerY) = centroidXY(landmarks, offset: offset)
        var centerZ: Float = 0
        for point in 0..<LandmarkDataset.landmarkCount { centerZ += landmarks[offset + point * 3 + 2] }
        centerZ /= Float(LandmarkDataset.landmarkCount)

        let center = [centerX, centerY, centerZ]
        for point in 0..<LandmarkDataset.landmarkCount {
            for axis in 0..<3 {
                let index = offset + point * 3 + axis
                landmarks[index] = center[axis] + factor * (landmarks[index] - center[axis])
            }
        }
    }

    /// The centroid's x and y of the face at `offset`.
    private static func centroidXY(_ landmarks: [Float], offset: Int) -> (Float, Float) {
        var sumX: Float = 0
        var sumY: Float = 0
        for point in 0..<LandmarkDataset.landmarkCount {
            sumX += landmarks[offset + point * 3]
            sumY += landmarks[offset + point * 3 + 1]
        }
        let count = Float(LandmarkDataset.landmarkCount)
        return (sumX / count, sumY / count)
    }
}
