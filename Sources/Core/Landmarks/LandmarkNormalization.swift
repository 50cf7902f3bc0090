// CONTRACT PLACEHOLDER: the model-data work replaces the bodies; the signatures are the contract.
/// How raw landmarks are brought to a common frame before the model sees them.
public enum LandmarkNormalization: String, Codable, Sendable, CaseIterable {
    /// Centred on the centroid of the 68 points, divided by the distance between the outer eye
    /// corners (points 36 and 45). DESIGN.md's choice.
    case interOcular
    /// Centred on the centroid, divided by the root-mean-square distance of the points from it
    /// (the benchmark peer's choice).
    case rootMeanSquareRadius

    /// Normalises `count` faces in place (`count * 204` values, sample-major, x y z per point).
    public func apply(to landmarks: inout [Float], count: Int) {
        fatalError("normalisation not built yet")
    }
}
