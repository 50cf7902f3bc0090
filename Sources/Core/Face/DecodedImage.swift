import CGlareImage

/// An 8-bit grayscale image, row-major and tightly packed, as the decoders produce it and dlib reads it.
public struct DecodedImage: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// `width * height` luminance samples, row by row from the top.
    public var pixels: [UInt8]
    /// The file's container format (`.unknown` for an image made in memory).
    public var format: ImageFormat
    /// The EXIF orientation stored in the file (1-8; 1 when there is none).
    public var storedOrientation: Int
    /// The EXIF orientation applied to `pixels` (1 when none was).
    public var appliedOrientation: Int
    /// Channels stored in the file: 1 gray, 2 gray and alpha, 3 colour, 4 colour and alpha.
    public var sourceChannels: Int
    /// Bits per sample stored in the file (a palette PNG reports its index depth).
    public var sourceBitDepth: Int
    /// Whether the file was a palette PNG.
    public var sourceIsPalette: Bool

    /// Wraps pixels made in memory.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "pixels must be width * height")
        self.width = width
        self.height = height
        self.pixels = pixels
        format = .unknown
        storedOrientation = 1
        appliedOrientation = 1
        sourceChannels = 1
        sourceBitDepth = 8
        sourceIsPalette = false
    }

    /// The sample at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }

    /// The image as it is displayed under EXIF `orientation` (1-8): mirrored, rotated or transposed.
    public func oriented(by orientation: Int) throws -> DecodedImage {
        let swapsAxes = (5...8).contains(orientation)
        var result = self
        result.width = swapsAxes ? height : width
        result.height = swapsAxes ? width : height
        var destination = [UInt8](repeating: 0, count: pixels.count)
        let status = pixels.withUnsafeBufferPointer { source in
            destination.withUnsafeMutableBufferPointer { target in
                glare_image_apply_orientation(
                    source.baseAddress, Int32(width), Int32(height), Int32(orientation), target.baseAddress)
            }
        }
        try ImageDecoder.check(status, operation: "apply orientation \(orientation)")
        result.pixels = destination
        return result
    }

    /// The image resampled to `newWidth` x `newHeight` (area mean when shrinking, bilinear when enlarging).
    public func resized(width newWidth: Int, height newHeight: Int) throws -> DecodedImage {
        var destination = [UInt8](repeating: 0, count: newWidth * newHeight)
        let status = pixels.withUnsafeBufferPointer { source in
            destination.withUnsafeMutableBufferPointer { target in
                glare_image_resize(
                    source.baseAddress, Int32(width), Int32(height), target.baseAddress, Int32(newWidth),
                    Int32(newHeight))
            }
        }
        try ImageDecoder.check(status, operation: "resize image")
        var result = self
        result.width = newWidth
        result.height = newHeight
        result.pixels = destination
        return result
    }

    /// The image scaled so that its longer side is `longestSide` pixels (aspect ratio kept, sides rounded).
    public func resized(longestSide: Int) throws -> DecodedImage {
        let scale = Double(longestSide) / Double(max(width, height))
        let newWidth = max(1, Int((Double(width) * scale).rounded()))
        let newHeight = max(1, Int((Double(height) * scale).rounded()))
        return try resized(width: newWidth, height: newHeight)
    }
}
