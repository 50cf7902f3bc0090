import CGlareFace
import Foundation

/// A face the HOG detector found: its box in the pixels of the image searched, and its score.
public struct ScoredBox: Sendable, Equatable {
    /// Where the face is.
    public var box: FaceBox
    /// The detector's score; 0 is its own threshold, higher is surer.
    public var score: Double

    /// Creates a detection.
    public init(box: FaceBox, score: Double) {
        self.box = box
        self.score = score
    }
}

/// dlib's frontal HOG face detector and 68-point shape predictor, reached through the `CGlareFace` C API.
///
/// The shape predictor (about 100 MB) is read once per process and shared; each instance holds its own copy
/// of the detector because dlib's detection mutates its scanner. One instance serves one thread at a time.
public final class DlibFaceDetector: @unchecked Sendable {
    /// The shape predictor Debian's `libdlib-data` installs.
    public static let defaultShapePredictorPath = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"

    /// The shape predictor file to use: env `GLARE_SHAPE_PREDICTOR` when set, else the default.
    public static var configuredShapePredictorPath: String {
        let override = ProcessInfo.processInfo.environment["GLARE_SHAPE_PREDICTOR"] ?? ""
        return override.isEmpty ? defaultShapePredictorPath : override
    }

    /// The shape predictor file this detector uses.
    public let shapePredictorPath: String
    private let handle: OpaquePointer

    /// Loads (or reuses) the shape predictor at `shapePredictorPath` and copies the detector.
    public init(shapePredictorPath: String = DlibFaceDetector.configuredShapePredictorPath) throws {
        self.shapePredictorPath = shapePredictorPath
        var buffer = [CChar](repeating: 0, count: 512)
        var created: OpaquePointer?
        let status = glare_face_detector_create(shapePredictorPath, &created, &buffer, buffer.count)
        try Self.check(status, operation: "load shape predictor", path: shapePredictorPath, buffer: buffer)
        guard let created else {
            throw FaceError(.detectorFailed, operation: "load shape predictor", path: shapePredictorPath)
        }
        handle = created
    }

    deinit {
        glare_face_detector_destroy(handle)
    }

    /// The faces in `image`, best score first, with the image enlarged `upsampling` times by 2 before the
    /// search (boxes are in `image`'s pixels either way). `adjustThreshold` is added to dlib's threshold.
    public func detect(
        in image: DecodedImage, upsampling: Int = 0, adjustThreshold: Double = 0
    ) throws
        -> [ScoredBox]
    {
        var buffer = [CChar](repeating: 0, count: 512)
        var boxes = [glare_face_box](repeating: glare_face_box(), count: 64)
        var count: Int32 = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            glare_face_detect(
                handle, pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(image.width),
                Int32(upsampling), adjustThreshold, &boxes, Int32(boxes.count), &count, &buffer, buffer.count)
        }
        try Self.check(status, operation: "detect faces", buffer: buffer)
        return boxes.prefix(min(Int(count), boxes.count)).map { found in
            ScoredBox(
                box: FaceBox(x: found.left, y: found.top, width: found.width, height: found.height),
                score: found.score)
        }
    }

    /// The 68 points dlib's shape predictor places inside `box`: x0, y0, x1, y1, ... (136 values) in
    /// `image`'s pixels. dlib rounds each point to a whole pixel.
    public func predictPoints(in image: DecodedImage, box: FaceBox) throws -> [Float] {
        var buffer = [CChar](repeating: 0, count: 512)
        var points = [Float](repeating: 0, count: 136)
        let faceBox = glare_face_box(left: box.x, top: box.y, width: box.width, height: box.height, score: 0)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            glare_face_predict(
                handle, pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(image.width), faceBox,
                &points, &buffer, buffer.count)
        }
        try Self.check(status, operation: "predict landmarks", buffer: buffer)
        return points
    }

    private static func check(
        _ status: glare_face_status, operation: String, path: String? = nil, buffer: [CChar]
    ) throws {
        let kind: FaceError.Kind
        switch status {
        case GLARE_FACE_OK: return
        case GLARE_FACE_PREDICTOR_MISSING: kind = .shapePredictorMissing
        case GLARE_FACE_PREDICTOR_INVALID: kind = .shapePredictorInvalid
        case GLARE_FACE_OUT_OF_MEMORY: kind = .outOfMemory
        case GLARE_FACE_INVALID_ARGUMENT: kind = .invalidArgument
        default: kind = .detectorFailed
        }
        let detail = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw FaceError(kind, operation: operation, path: path, detail: detail)
    }
}
