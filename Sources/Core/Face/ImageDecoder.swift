import CGlareImage
import Foundation

/// Decodes JPEG and PNG files to 8-bit grayscale through libjpeg, libpng and libexif (the `CGlareImage`
/// target), and writes them for tests and benchmarks. Every C status becomes a ``FaceError``.
public enum ImageDecoder {
    /// Reads and decodes the file at `url`. The format comes from the first bytes, never the name. With
    /// `applyingOrientation` the JPEG's EXIF orientation is applied, so the result is upright as displayed.
    public static func decode(fileAt url: URL, applyingOrientation: Bool = true) throws -> DecodedImage {
        var image = glare_image()
        let status = glare_image_decode_file(url.path, applyingOrientation ? 1 : 0, &image)
        defer { glare_image_free(&image) }
        try check(status, operation: "decode image", path: url.path, message: message(of: &image))
        return makeImage(from: image)
    }

    /// Decodes an image held in memory.
    public static func decode(data: [UInt8], applyingOrientation: Bool = true) throws -> DecodedImage {
        var image = glare_image()
        let status = data.withUnsafeBufferPointer {
            glare_image_decode_memory($0.baseAddress, $0.count, applyingOrientation ? 1 : 0, &image)
        }
        defer { glare_image_free(&image) }
        try check(status, operation: "decode image", message: message(of: &image))
        return makeImage(from: image)
    }

    /// The EXIF orientation (1-8) a JPEG's bytes carry; 1 when there is none.
    public static func jpegOrientation(of data: [UInt8]) -> Int {
        Int(data.withUnsafeBufferPointer { glare_image_jpeg_orientation($0.baseAddress, $0.count) })
    }

    /// Writes 8-bit gray (1 channel), RGB (3 channels) or Adobe-style inverted CMYK (4 channels) pixels as a
    /// baseline JPEG.
    public static func writeJPEG(
        pixels: [UInt8], width: Int, height: Int, channels: Int = 1, quality: Int = 95, to url: URL
    ) throws {
        precondition(pixels.count == width * height * channels, "pixels must be width * height * channels")
        var buffer = [CChar](repeating: 0, count: 200)
        let status = pixels.withUnsafeBufferPointer { source in
            glare_image_write_jpeg(
                url.path, source.baseAddress, Int32(width), Int32(height), Int32(channels), Int32(quality), &buffer,
                buffer.count)
        }
        try check(status, operation: "write JPEG", path: url.path, message: string(from: buffer))
    }

    /// Writes a PNG: 8-bit `samples` (or 16-bit `wideSamples`), `channels` 1-4; with a `palette` (RGB
    /// triples) the samples are palette indices.
    public static func writePNG(
        samples: [UInt8] = [], wideSamples: [UInt16] = [], width: Int, height: Int, channels: Int,
        palette: [UInt8]? = nil, to url: URL
    ) throws {
        var buffer = [CChar](repeating: 0, count: 200)
        let bitDepth: Int32 = wideSamples.isEmpty ? 8 : 16
        let status: glare_image_status
        let paletteBytes = palette ?? []
        if wideSamples.isEmpty {
            status = samples.withUnsafeBytes { source in
                paletteBytes.withUnsafeBufferPointer { colours in
                    glare_image_write_png(
                        url.path, source.baseAddress, Int32(width), Int32(height), Int32(channels), bitDepth,
                        palette == nil ? nil : colours.baseAddress, Int32(paletteBytes.count / 3), &buffer,
                        buffer.count)
                }
            }
        } else {
            status = wideSamples.withUnsafeBytes { source in
                glare_image_write_png(
                    url.path, source.baseAddress, Int32(width), Int32(height), Int32(channels), bitDepth, nil, 0,
                    &buffer, buffer.count)
            }
        }
        try check(status, operation: "write PNG", path: url.path, message: string(from: buffer))
    }

    /// Turns a C status into a ``FaceError`` naming the operation and file; returns on success.
    static func check(
        _ status: glare_image_status, operation: String, path: String? = nil, message: String = ""
    ) throws {
        let kind: FaceError.Kind
        switch status {
        case GLARE_IMAGE_OK: return
        case GLARE_IMAGE_MISSING_FILE: kind = .missingFile
        case GLARE_IMAGE_UNREADABLE_FILE: kind = .unreadableFile
        case GLARE_IMAGE_EMPTY_FILE: kind = .emptyFile
        case GLARE_IMAGE_NOT_AN_IMAGE: kind = .notAnImage
        case GLARE_IMAGE_TRUNCATED: kind = .truncatedImage
        case GLARE_IMAGE_CORRUPT: kind = .corruptImage
        case GLARE_IMAGE_TOO_LARGE: kind = .imageTooLarge
        case GLARE_IMAGE_OUT_OF_MEMORY: kind = .outOfMemory
        case GLARE_IMAGE_WRITE_FAILED: kind = .writeFailed
        default: kind = .invalidArgument
        }
        throw FaceError(kind, operation: operation, path: path, detail: message)
    }

    private static func message(of image: inout glare_image) -> String {
        withUnsafeBytes(of: &image.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    private static func string(from buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func makeImage(from image: glare_image) -> DecodedImage {
        let count = Int(image.width) * Int(image.height)
        var result = DecodedImage(
            width: Int(image.width), height: Int(image.height),
            pixels: Array(UnsafeBufferPointer(start: image.pixels, count: count)))
        result.format = ImageFormat(code: image.format)
        result.storedOrientation = Int(image.orientation)
        result.appliedOrientation = Int(image.applied_orientation)
        result.sourceChannels = Int(image.source_channels)
        result.sourceBitDepth = Int(image.source_bit_depth)
        result.sourceIsPalette = image.source_is_palette != 0
        return result
    }
}
