/// How a ``FaceLandmarker`` searches a photo. The defaults suit photos of people at ordinary sizes.
public struct FaceLandmarkerOptions: Codable, Sendable, Equatable {
    /// Keep only the largest face of each photo.
    public var largestOnly: Bool
    /// Photos whose longer side exceeds this many pixels are searched on a copy shrunk to it; the boxes are
    /// mapped back and the landmarks placed on the full-resolution photo.
    public var detectionLongestSide: Int
    /// When nothing is found, search again with the image enlarged by 2, up to this many times (dlib's HOG
    /// window is 80 pixels, so faces smaller than that need it).
    public var maximumUpsampling: Int
    /// Added to dlib's detection threshold: negative finds weaker faces and more false ones.
    public var adjustThreshold: Double
    /// dlib's 68-point shape predictor; nil means env `GLARE_SHAPE_PREDICTOR`, else Debian's file.
    public var shapePredictorPath: String?
    /// The folder of the morphable model's `.npy` files; nil means ``MorphableModel/searchDirectories``.
    public var morphableModelDirectory: String?

    /// Creates options; every argument has the default described on its property.
    public init(
        largestOnly: Bool = false, detectionLongestSide: Int = 1024, maximumUpsampling: Int = 1,
        adjustThreshold: Double = 0, shapePredictorPath: String? = nil, morphableModelDirectory: String? = nil
    ) {
        self.largestOnly = largestOnly
        self.detectionLongestSide = detectionLongestSide
        self.maximumUpsampling = maximumUpsampling
        self.adjustThreshold = adjustThreshold
        self.shapePredictorPath = shapePredictorPath
        self.morphableModelDirectory = morphableModelDirectory
    }
}
