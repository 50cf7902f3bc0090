import Foundation

/// A face's bounding box in the original image's pixels (after EXIF orientation is applied).
public struct FaceBox: Codable, Sendable, Equatable {
    /// Left edge.
    public var x: Double
    /// Top edge.
    public var y: Double
    /// Width.
    public var width: Double
    /// Height.
    public var height: Double

    /// Creates a box.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// One face found in an image.
public struct DetectedFace: Codable, Sendable, Equatable {
    /// Where it is.
    public var box: FaceBox
    /// The detector's confidence score.
    public var score: Double
    /// 68 points of (x, y, z): 204 values in the original image's pixels, z from the 3D fit.
    public var landmarks: [Float]

    /// Creates a record.
    public init(box: FaceBox, score: Double, landmarks: [Float]) {
        self.box = box
        self.score = score
        self.landmarks = landmarks
    }
}

/// Every face found in one image, largest first.
public struct ImageFaces: Codable, Sendable, Equatable {
    /// The faces, largest box first; empty when no face was found.
    public var faces: [DetectedFace]
    /// Width of the image as oriented, in pixels.
    public var width: Int
    /// Height of the image as oriented, in pixels.
    public var height: Int
    /// The EXIF orientation (1-8) that was applied; 1 means none.
    public var appliedOrientation: Int

    /// Creates a record.
    public init(faces: [DetectedFace], width: Int, height: Int, appliedOrientation: Int) {
        self.faces = faces
        self.width = width
        self.height = height
        self.appliedOrientation = appliedOrientation
    }
}

/// Finds faces in photos and places 68 landmarks in 3D on each. Loads its models once; one
/// instance serves many images, from one thread at a time.
///
/// The path for one photo: decode to 8-bit gray (``ImageDecoder``), apply the EXIF orientation, shrink a
/// large photo for the search, find faces with dlib's HOG detector (upsampling 0, then more only when
/// nothing is found), place dlib's 68 points on the full-resolution photo, and lift them to 3D with
/// ``LandmarkLifter``, the morphable-model fit that stands in for the paper's FAN-3D. Faces come largest
/// box first.
///
/// For parallel work make one instance per thread: instances share the process's one shape predictor and
/// morphable model, and each costs only a copy of the detector.
public final class FaceLandmarker: @unchecked Sendable {
    /// Changes whenever the extractor's output could change; part of the landmark cache's key. It names the
    /// algorithm's revision and the sizes of the shape predictor and morphable model files in use.
    public static let extractorVersion: String = {
        let predictorBytes = fileSize(DlibFaceDetector.configuredShapePredictorPath)
        let modelBytes = (try? MorphableModel.locate()).map { directory in
            MorphableModel.fileNames.reduce(0) { $0 + (fileSize(directory.appendingPathComponent($1).path) ?? 0) }
        }
        return versionString(predictorBytes: predictorBytes, modelBytes: modelBytes)
    }()

    private static func versionString(predictorBytes: Int?, modelBytes: Int?) -> String {
        let predictor = predictorBytes.map(String.init) ?? "missing"
        let model = modelBytes.map(String.init) ?? "missing"
        return "glare-faces-1;dlib-hog-sp68:\(predictor);3ddfa-keypoints:\(model);fit-10+10x4-prior0.05-noise0.03"
    }

    /// How this instance searches.
    public let options: FaceLandmarkerOptions
    /// As ``extractorVersion`` but for the model files this instance loaded (which options may override),
    /// plus the options that change what is found.
    public var version: String {
        Self.versionString(
            predictorBytes: Self.fileSize(detector.shapePredictorPath), modelBytes: lifter.model.fileBytes)
            + ";largest=\(options.largestOnly);side=\(options.detectionLongestSide)"
            + ";up=\(options.maximumUpsampling);threshold=\(options.adjustThreshold)"
    }

    /// The detector and shape predictor.
    public let detector: DlibFaceDetector
    /// The 3D fit.
    public let lifter: LandmarkLifter

    /// Loads the detector, the shape predictor and the 3D model with the default options.
    public convenience init() throws {
        try self.init(options: FaceLandmarkerOptions())
    }

    /// Loads the detector, the shape predictor and the 3D model.
    public init(options: FaceLandmarkerOptions) throws {
        self.options = options
        detector = try DlibFaceDetector(
            shapePredictorPath: options.shapePredictorPath ?? DlibFaceDetector.configuredShapePredictorPath)
        let model: MorphableModel
        if let directory = options.morphableModelDirectory {
            model = try MorphableModel(directory: URL(fileURLWithPath: directory))
        } else {
            model = try MorphableModel.shared()
        }
        lifter = LandmarkLifter(model: model)
    }

    /// Every face in the image at `url`. Throws a specific error for a file that is missing, empty,
    /// truncated or not an image.
    public func faces(inImageAt url: URL) throws -> ImageFaces {
        let image = try ImageDecoder.decode(fileAt: url, applyingOrientation: true)
        return try faces(in: image)
    }

    /// Every face in a decoded, upright image, largest box first.
    public func faces(in image: DecodedImage) throws -> ImageFaces {
        // Large photos are searched on a smaller copy; the boxes scale back by 1 / searchScale.
        let longestSide = max(image.width, image.height)
        let searchScale =
            longestSide > options.detectionLongestSide
            ? Double(options.detectionLongestSide) / Double(longestSide) : 1
        let searchImage = searchScale < 1 ? try image.resized(longestSide: options.detectionLongestSide) : image

        var detections: [ScoredBox] = []
        for upsampling in 0...max(options.maximumUpsampling, 0) where detections.isEmpty {
            detections = try detector.detect(
                in: searchImage, upsampling: upsampling, adjustThreshold: options.adjustThreshold)
        }

        var boxes = detections.map { detection in
            let scaleX = Double(image.width) / Double(searchImage.width)
            let scaleY = Double(image.height) / Double(searchImage.height)
            let box = FaceBox(
                x: detection.box.x * scaleX, y: detection.box.y * scaleY, width: detection.box.width * scaleX,
                height: detection.box.height * scaleY)
            return ScoredBox(box: box, score: detection.score)
        }
        boxes.sort { $0.box.width * $0.box.height > $1.box.width * $1.box.height }
        if options.largestOnly { boxes = Array(boxes.prefix(1)) }

        let faces = try boxes.map { found in
            let points = try detector.predictPoints(in: image, box: found.box)
            return DetectedFace(box: found.box, score: found.score, landmarks: lifter.lift(points))
        }
        return ImageFaces(
            faces: faces, width: image.width, height: image.height, appliedOrientation: image.appliedOrientation)
    }

    private static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    }
}
