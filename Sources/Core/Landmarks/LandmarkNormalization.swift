/// How raw landmarks are brought to a common frame before the model sees them.
///
/// Both choices remove translation and overall size and keep rotation. Each face is handled on
/// its own; a face whose scale is zero (all points equal) or not finite ends up centred but
/// unscaled, so no choice ever writes NaN or infinity for finite input.
public enum LandmarkNormalization: String, Codable, Sendable, CaseIterable {
    /// Centred on the centroid of the 68 points, divided by the distance between the outer eye
    /// corners (points 36 and 45). DESIGN.md's choice. When that distance is zero (a degenerate
    /// face) the root-mean-square radius is used instead.
    case interOcular
    /// Centred on the centroid, divided by the root-mean-square distance of the points from it
    /// (the benchmark peer's choice).
    case rootMeanSquareRadius

    /// Outer corner of the image-left eye (the subject's right eye) in the iBUG-68 order.
    public static let rightEyeOuterCorner = 36
    /// Outer corner of the image-right eye (the subject's left eye) in the iBUG-68 order.
    public static let leftEyeOuterCorner = 45

    /// Normalises `count` faces in place (`count * 204` values, sample-major, x y z per point).
    public func apply(to landmarks: inout [Float], count: Int) {
        precondition(landmarks.count >= count * LandmarkDataset.valuesPerSample, "fewer landmarks than faces")
        landmarks.withUnsafeMutableBufferPointer { buffer in
            for sample in 0..<count {
                let start = sample * LandmarkDataset.valuesPerSample
                let face = UnsafeMutableBufferPointer(
                    rebasing: buffer[start..<start + LandmarkDataset.valuesPerSample])
                normalise(face)
            }
        }
    }

    /// Normalises one face of 68 (x, y, z) points.
    private func normalise(_ face: UnsafeMutableBufferPointer<Float>) {
        let pointCount = LandmarkDataset.landmarkCount

        // Sums in Double: pixel coordinates in the thousands lose digits in a Float running sum.
        var centroid: (Double, Double, Double) = (0, 0, 0)
        for point in 0..<pointCount {
            centroid.0 += Double(face[point * 3])
            centroid.1 += Double(face[point * 3 + 1])
            centroid.2 += Double(face[point * 3 + 2])
        }
        let center = [centroid.0, centroid.1, centroid.2].map { Float($0 / Double(pointCount)) }
        for point in 0..<pointCount {
            for axis in 0..<3 { face[point * 3 + axis] -= center[axis] }
        }

        var scale: Float = 0
        if self == .interOcular {
            scale = Self.distance(face, Self.rightEyeOuterCorner, Self.leftEyeOuterCorner)
        }
        if !Self.isUsableScale(scale) { scale = Self.rootMeanSquareRadius(face) }
        guard Self.isUsableScale(scale) else { return }

        let inverse = 1 / scale
        for index in face.indices { face[index] *= inverse }
    }

    /// A scale worth dividing by: positive, finite, and with a finite reciprocal.
    private static func isUsableScale(_ scale: Float) -> Bool {
        scale.isFinite && scale > 0 && (1 / scale).isFinite
    }

    /// Euclidean distance between points `first` and `second` of a face.
    private static func distance(_ face: UnsafeMutableBufferPointer<Float>, _ first: Int, _ second: Int) -> Float {
        var sum: Float = 0
        for axis in 0..<3 {
            let difference = face[first * 3 + axis] - face[second * 3 + axis]
            sum += difference * difference
        }
        return sum.squareRoot()
    }

    /// sqrt(mean over points of |p|^2) for a centred face.
    private static func rootMeanSquareRadius(_ face: UnsafeMutableBufferPointer<Float>) -> Float {
        var sum: Double = 0
        for value in face { sum += Double(value) * Double(value) }
        return Float((sum / Double(LandmarkDataset.landmarkCount)).squareRoot())
    }
}
