@testable import Core

/// Faces the landmark tests share.
enum LandmarkTestFaces {
    /// The embedded morphable-model mean face (millimetres, centred, nearly left-right symmetric).
    static var mean: [Float] { FaceShapeBasis.mean }

    /// `count` synthetic faces in image-like pixel coordinates.
    static func synthetic(count: Int, seed: UInt64 = 11) -> [Float] {
        SyntheticExpressionDataset.make(samples: count, seed: seed).landmarks
    }

    /// Point `index` of the face at `offset`.
    static func point(_ landmarks: [Float], _ index: Int, offset: Int = 0) -> SIMD3<Float> {
        let start = offset + index * 3
        return SIMD3(landmarks[start], landmarks[start + 1], landmarks[start + 2])
    }

    /// Euclidean distance between points `first` and `second` of the face at `offset`.
    static func distance(_ landmarks: [Float], _ first: Int, _ second: Int, offset: Int = 0) -> Float {
        let difference = point(landmarks, first, offset: offset) - point(landmarks, second, offset: offset)
        return (difference * difference).sum().squareRoot()
    }

    /// The centroid of the face at `offset`.
    static func centroid(_ landmarks: [Float], offset: Int = 0) -> SIMD3<Float> {
        var sum = SIMD3<Float>(repeating: 0)
        for index in 0..<68 { sum += point(landmarks, index, offset: offset) }
        return sum / 68
    }
}
