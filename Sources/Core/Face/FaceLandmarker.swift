// CONTRACT PLACEHOLDER: the face work replaces the bodies; the signatures are the contract with the
// dataset readers and the inference runner.
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
public final class FaceLandmarker: @unchecked Sendable {
    /// Changes whenever the extractor's output could change; part of the landmark cache's key.
    public static let extractorVersion = "unbuilt"

    /// Loads the detector, the shape predictor and the 3D model.
    public init() throws {
        fatalError("face landmarker not built yet")
    }

    /// Every face in the image at `url`. Throws a specific error for a file that is missing, empty,
    /// truncated or not an image.
    public func faces(inImageAt url: URL) throws -> ImageFaces {
        fatalError("face landmarker not built yet")
    }
}
