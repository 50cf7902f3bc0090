import CGlareImage

/// The container format of an image file, found from its first bytes rather than its name.
public enum ImageFormat: String, Codable, Sendable {
    /// JPEG (JFIF or Exif).
    case jpeg
    /// PNG.
    case png
    /// Neither signature.
    case unknown

    init(code: Int32) {
        switch UInt32(bitPattern: code) {
        case GLARE_IMAGE_FORMAT_JPEG.rawValue: self = .jpeg
        case GLARE_IMAGE_FORMAT_PNG.rawValue: self = .png
        default: self = .unknown
        }
    }

    /// The format the first bytes of `data` announce.
    public static func detect(in data: [UInt8]) -> ImageFormat {
        let code = data.withUnsafeBufferPointer { glare_image_detect_format($0.baseAddress, $0.count) }
        return ImageFormat(code: Int32(bitPattern: code.rawValue))
    }
}
