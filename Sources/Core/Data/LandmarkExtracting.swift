import Foundation

/// Something that finds faces and their 68 landmarks in an image file.
///
/// `FaceLandmarker` is the real one; the readers, the landmark cache and the inference runner
/// take this protocol so that tests can run them without dlib and count the calls.
public protocol LandmarkExtracting: AnyObject {
    /// Changes whenever the output for the same image could change; part of the cache's key.
    var extractorVersion: String { get }

    /// Every face in the image at `url`, largest first. Throws for a file that cannot be read as an image.
    func faces(inImageAt url: URL) throws -> ImageFaces
}

extension FaceLandmarker: LandmarkExtracting {
    /// The type's version, for the cache.
    public var extractorVersion: String { FaceLandmarker.extractorVersion }
}

/// Makes an extractor when the first image that is not cached needs one, so that a fully cached
/// dataset never loads dlib's models.
public typealias LandmarkExtractorFactory = () throws -> any LandmarkExtracting
