import Foundation
import Testing

@testable import Core

@Suite("ImageDecoder")
struct ImageDecoderTests {
    @Test func decode_whenColourJPEG_givesGrayAtFileSize() throws {
        let image = try ImageDecoder.decode(fileAt: FaceFixtures.photo("0-f1-su-ph.jpg"))
        #expect(image.width == 512 && image.height == 512)
        #expect(image.format == .jpeg && image.sourceChannels == 3 && image.appliedOrientation == 1)
        #expect(image.pixels.count == 512 * 512)
        #expect(Set(image.pixels).count > 100, "a photo has many gray levels")
    }

    @Test func decode_whenRGBAPNG_dropsAlpha() throws {
        let image = try ImageDecoder.decode(fileAt: FaceFixtures.photo("Image_with_alpha.png"))
        #expect(image.width == 1524 && image.height == 1036)
        #expect(image.format == .png && image.sourceChannels == 4 && image.sourceBitDepth == 8)
    }

    @Test func decode_whenLargeGrayscaleJPEG_keepsFullSize() throws {
        let image = try ImageDecoder.decode(fileAt: FaceFixtures.photo("BWPictureHuman.jpg"))
        #expect(image.width == 2560 && image.height == 1912 && image.sourceChannels == 1)
    }

    @Test func decode_whenTransparentPixels_keepsTheirColourInsteadOfCompositing() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        // Two pixels: opaque mid gray, and fully transparent white.
        let samples: [UInt8] = [128, 128, 128, 255, 255, 255, 255, 0]
        try ImageDecoder.writePNG(samples: samples, width: 2, height: 1, channels: 4, to: scratch.file("a.png"))
        let image = try ImageDecoder.decode(fileAt: scratch.file("a.png"))
        #expect(image.pixels == [128, 255] && image.sourceChannels == 4)
    }

    @Test func decode_when16BitGrayPNG_scalesToEightBits() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        let levels: [UInt8] = [0, 1, 77, 128, 200, 255]
        try ImageDecoder.writePNG(
            wideSamples: levels.map { UInt16($0) * 257 }, width: 3, height: 2, channels: 1, to: scratch.file("w.png"))
        let image = try ImageDecoder.decode(fileAt: scratch.file("w.png"))
        #expect(image.sourceBitDepth == 16)
        #expect(image.pixels == levels, "16-bit v * 257 must come back as v: \(image.pixels)")
    }

    @Test func decode_when16BitRGBPNG_reducesToGray() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        let gray: [UInt16] = [100 * 257, 100 * 257, 100 * 257, 30 * 257, 30 * 257, 30 * 257]
        try ImageDecoder.writePNG(wideSamples: gray, width: 2, height: 1, channels: 3, to: scratch.file("c.png"))
        let image = try ImageDecoder.decode(fileAt: scratch.file("c.png"))
        #expect(image.sourceChannels == 3 && image.sourceBitDepth == 16)
        for (observed, expected) in zip(image.pixels, [100, 30]) {
            expectClose(Double(observed), Double(expected), tolerance: 1, "gray of 16-bit RGB")
        }
    }

    @Test func decode_whenPalettePNG_expandsIndicesToGray() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        let palette: [UInt8] = [10, 10, 10, 90, 90, 90, 250, 250, 250]
        try ImageDecoder.writePNG(
            samples: [0, 1, 2, 1], width: 2, height: 2, channels: 3, palette: palette, to: scratch.file("p.png"))
        let image = try ImageDecoder.decode(fileAt: scratch.file("p.png"))
        #expect(image.sourceIsPalette)
        for (observed, expected) in zip(image.pixels, [10, 90, 250, 90]) {
            expectClose(Double(observed), Double(expected), tolerance: 1, "palette entry")
        }
    }

    @Test func decode_whenGrayPNG_keepsValues() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        let samples: [UInt8] = [0, 50, 100, 150, 200, 250]
        try ImageDecoder.writePNG(samples: samples, width: 2, height: 3, channels: 1, to: scratch.file("g.png"))
        let image = try ImageDecoder.decode(fileAt: scratch.file("g.png"))
        #expect(image.width == 2 && image.height == 3 && image.pixels == samples && image.sourceChannels == 1)
    }

    @Test func decode_whenGrayAlphaPNG_dropsAlpha() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        try ImageDecoder.writePNG(
            samples: [30, 255, 200, 0], width: 2, height: 1, channels: 2, to: scratch.file("a.png"))
        let image = try ImageDecoder.decode(fileAt: scratch.file("a.png"))
        #expect(image.pixels == [30, 200] && image.sourceChannels == 2)
    }

    @Test func decode_whenRGBJPEG_givesLuminance() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        // 16 x 8: a pure red half and a pure blue half; JPEG luminance is 0.299 R + 0.587 G + 0.114 B.
        var pixels = [UInt8]()
        for _ in 0..<8 {
            for x in 0..<16 { pixels += x < 8 ? [255, 0, 0] : [0, 0, 255] }
        }
        try ImageDecoder.writeJPEG(
            pixels: pixels, width: 16, height: 8, channels: 3, quality: 100, to: scratch.file("rb.jpg"))
        let image = try ImageDecoder.decode(fileAt: scratch.file("rb.jpg"))
        #expect(image.sourceChannels == 3)
        expectClose(Double(image[2, 4]), 76, tolerance: 4, "luminance of red")
        expectClose(Double(image[13, 4]), 29, tolerance: 4, "luminance of blue")
    }

    @Test func decode_whenCMYKJPEG_convertsInvertedInkToGray() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        // Adobe CMYK stores 255 - ink: (255, 255, 255, 255) is paper white, (255, 255, 255, 0) full black ink,
        // (255, 255, 255, 128) half black.
        var pixels = [UInt8]()
        for _ in 0..<8 {
            for x in 0..<24 { pixels += [255, 255, 255, x < 8 ? 255 : x < 16 ? 0 : 128] }
        }
        try ImageDecoder.writeJPEG(
            pixels: pixels, width: 24, height: 8, channels: 4, quality: 100, to: scratch.file("k.jpg"))
        let image = try ImageDecoder.decode(fileAt: scratch.file("k.jpg"))
        #expect(image.sourceChannels == 4)
        expectClose(Double(image[3, 4]), 255, tolerance: 3, "no ink")
        expectClose(Double(image[11, 4]), 0, tolerance: 3, "full black ink")
        expectClose(Double(image[19, 4]), 128, tolerance: 3, "half black ink")
    }

    @Test func decode_whenPNGNamedJPG_findsFormatFromBytes() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        try ImageDecoder.writePNG(samples: [1, 2, 3, 4], width: 2, height: 2, channels: 1, to: scratch.file("x.jpg"))
        #expect(try ImageDecoder.decode(fileAt: scratch.file("x.jpg")).format == .png)
    }

    @Test func decode_whenFileIsEmpty_refusesAsEmpty() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        try Data().write(to: scratch.file("empty.jpg"))
        expectFaceError(.emptyFile) { _ = try ImageDecoder.decode(fileAt: scratch.file("empty.jpg")) }
    }

    @Test func decode_whenJPEGIsTruncated_refusesAsTruncated() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        let whole = try Data(contentsOf: FaceFixtures.photo("single_face.jpg"))
        try whole.prefix(whole.count / 2).write(to: scratch.file("half.jpg"))
        expectFaceError(.truncatedImage) { _ = try ImageDecoder.decode(fileAt: scratch.file("half.jpg")) }
    }

    @Test func decode_whenPNGIsTruncated_refusesAsTruncated() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        let whole = try Data(contentsOf: FaceFixtures.photo("Image_with_alpha.png"))
        try whole.prefix(whole.count / 2).write(to: scratch.file("half.png"))
        expectFaceError(.truncatedImage) { _ = try ImageDecoder.decode(fileAt: scratch.file("half.png")) }
    }

    @Test func decode_whenTextFileNamedJPG_refusesAsNotAnImage() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        try "subDirectory_filePath,face_x\n".write(to: scratch.file("notes.jpg"), atomically: true, encoding: .utf8)
        expectFaceError(.notAnImage) { _ = try ImageDecoder.decode(fileAt: scratch.file("notes.jpg")) }
    }

    @Test func decode_whenJPEGFrameHeaderIsBroken_refusesAsCorrupt() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        // Zero components in the start-of-frame header (FF C0, length, precision, height, width, count).
        var bytes = [UInt8](try Data(contentsOf: FaceFixtures.photo("single_face.jpg")))
        let frame = try #require((0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes[frame + 9] = 0
        try Data(bytes).write(to: scratch.file("bad.jpg"))
        expectFaceError(.corruptImage) { _ = try ImageDecoder.decode(fileAt: scratch.file("bad.jpg")) }
    }

    @Test func decode_whenJPEGClaimsHugeSize_refusesBeforeAllocating() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        // Height and width in the start-of-frame header set to 65000 x 65000 (4.2 gigapixels).
        var bytes = [UInt8](try Data(contentsOf: FaceFixtures.photo("single_face.jpg")))
        let frame = try #require((0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        for offset in [5, 7] {
            bytes[frame + offset] = 0xFD
            bytes[frame + offset + 1] = 0xE8
        }
        try Data(bytes).write(to: scratch.file("huge.jpg"))
        expectFaceError(.imageTooLarge) { _ = try ImageDecoder.decode(fileAt: scratch.file("huge.jpg")) }
    }

    @Test func decode_whenFileIsMissing_refusesAsMissing() {
        expectFaceError(.missingFile) {
            _ = try ImageDecoder.decode(fileAt: URL(fileURLWithPath: "/nonexistent/glare/photo.jpg"))
        }
    }

    @Test func decode_whenPathIsDirectory_refusesAsUnreadable() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        expectFaceError(.unreadableFile) { _ = try ImageDecoder.decode(fileAt: scratch.url) }
    }

    @Test func decode_errorsNameTheFileAndOperation() throws {
        let path = "/nonexistent/glare/photo.jpg"
        do {
            _ = try ImageDecoder.decode(fileAt: URL(fileURLWithPath: path))
        } catch let error as FaceError {
            #expect(error.path == path && error.operation == "decode image")
            #expect(error.description.contains(path))
        }
    }

    @Test func resize_whenHalving_averagesBlocks() throws {
        let image = DecodedImage(width: 4, height: 2, pixels: [0, 10, 20, 30, 20, 30, 40, 50])
        let half = try image.resized(width: 2, height: 1)
        #expect(half.pixels == [15, 35])
    }
}
