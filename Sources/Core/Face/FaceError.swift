import Foundation

/// Why reading a photo or placing its landmarks failed: what went wrong, during which operation and on
/// which file. Each failure of the C decoders and of dlib maps to its own ``Kind``, so a batch can record
/// a precise reason per file and go on.
public struct FaceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The failure, one case per distinct cause.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The file does not exist.
        case missingFile
        /// The file exists but could not be opened or read (permissions, a directory, an I/O error).
        case unreadableFile
        /// The file has zero bytes.
        case emptyFile
        /// The first bytes are neither a JPEG nor a PNG signature.
        case notAnImage
        /// The image data ends before the image does.
        case truncatedImage
        /// The decoder rejected the data.
        case corruptImage
        /// The image has more pixels than glare decodes.
        case imageTooLarge
        /// An allocation failed.
        case outOfMemory
        /// A caller passed something the C layer refuses (a bug in glare, not in the photo).
        case invalidArgument
        /// An encoder could not write its file.
        case writeFailed
        /// dlib's shape predictor file is not where glare looked.
        case shapePredictorMissing
        /// The shape predictor file could not be deserialised or is not a 68-point model.
        case shapePredictorInvalid
        /// dlib threw during detection or shape prediction.
        case detectorFailed
        /// The 3D morphable model's `.npy` files are not in any of the places glare looks.
        case morphableModelMissing
        /// A morphable model file is malformed or has the wrong shape.
        case morphableModelInvalid
    }

    /// What went wrong.
    public var kind: Kind
    /// The operation that failed, such as `decode image` or `detect faces`.
    public var operation: String
    /// The file involved, when there is one.
    public var path: String?
    /// The underlying library's own words, or glare's explanation.
    public var detail: String

    /// Creates an error.
    public init(_ kind: Kind, operation: String, path: String? = nil, detail: String = "") {
        self.kind = kind
        self.operation = operation
        self.path = path
        self.detail = detail
    }

    /// One line for a person: the operation, the file, the cause.
    public var description: String {
        var text = "\(operation) failed"
        if let path { text += " for \(path)" }
        text += ": \(kind.rawValue)"
        if !detail.isEmpty { text += " (\(detail))" }
        return text
    }
}
