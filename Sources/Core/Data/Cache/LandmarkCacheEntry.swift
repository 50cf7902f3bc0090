import Foundation

/// What the landmark cache stores for one image file: the file's identity when it was read, the
/// extractor's version, and either the faces found (possibly none) or the extractor's error.
///
/// Stored as one small JSON file per image (see `LandmarkCache`).
struct LandmarkCacheEntry: Codable, Equatable {
    /// The layout of this record; a record with another format is ignored and rewritten.
    static let currentFormat = 1

    /// The record's layout.
    var format: Int
    /// The file when it was extracted.
    var identity: FileIdentity
    /// `LandmarkExtracting.extractorVersion` of the extractor that read it.
    var extractorVersion: String
    /// The faces, when the image could be read (empty when it holds no face).
    var faces: ImageFaces?
    /// The extractor's error, when it could not read the image.
    var error: String?

    /// Whether the record is whole and belongs to `identity` and `extractorVersion`.
    func matches(_ identity: FileIdentity, extractorVersion: String) -> Bool {
        guard format == Self.currentFormat, self.identity == identity, self.extractorVersion == extractorVersion
        else { return false }
        if let faces {
            return error == nil && faces.faces.allSatisfy(Self.isWhole)
        }
        return error != nil
    }

    private static func isWhole(_ face: DetectedFace) -> Bool {
        face.landmarks.count == LandmarkDataset.valuesPerSample && face.landmarks.allSatisfy(\.isFinite)
            && face.box.width.isFinite && face.box.height.isFinite && face.box.x.isFinite && face.box.y.isFinite
    }
}
