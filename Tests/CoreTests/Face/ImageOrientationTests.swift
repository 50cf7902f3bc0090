import Foundation
import Testing

@testable import Core

/// A JPEG's bytes with an APP1 Exif segment holding only an Orientation tag inserted after SOI.
func insertingExifOrientation(_ orientation: UInt16, into jpeg: [UInt8]) -> [UInt8] {
    // TIFF header (big-endian), one IFD0 entry: tag 0x0112, type SHORT (3), count 1, value, no next IFD.
    var tiff: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01]
    tiff += [0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]
    tiff += [UInt8(orientation >> 8), UInt8(orientation & 0xFF), 0x00, 0x00]
    tiff += [0x00, 0x00, 0x00, 0x00]
    let payload: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
    let length = payload.count + 2
    let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    return Array(jpeg[0..<2]) + segment + Array(jpeg[2...])
}

@Suite("ImageOrientation")
struct ImageOrientationTests {
    /// 3 wide, 2 high: a b c / d e f as 1...6.
    let sample = DecodedImage(width: 3, height: 2, pixels: [1, 2, 3, 4, 5, 6])

    @Test(arguments: [
        (1, 3, 2, [1, 2, 3, 4, 5, 6] as [UInt8]),
        (2, 3, 2, [3, 2, 1, 6, 5, 4]),
        (3, 3, 2, [6, 5, 4, 3, 2, 1]),
        (4, 3, 2, [4, 5, 6, 1, 2, 3]),
        (5, 2, 3, [1, 4, 2, 5, 3, 6]),
        (6, 2, 3, [4, 1, 5, 2, 6, 3]),
        (7, 2, 3, [6, 3, 5, 2, 4, 1]),
        (8, 2, 3, [3, 6, 2, 5, 1, 4]),
    ])
    func oriented_placesEachPixelAsExifDefines(orientation: Int, width: Int, height: Int, expected: [UInt8]) throws {
        let result = try sample.oriented(by: orientation)
        #expect(result.width == width && result.height == height)
        #expect(result.pixels == expected, "orientation \(orientation): observed \(result.pixels)")
    }

    @Test(arguments: [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 8), (7, 7), (8, 6)])
    func oriented_thenInverse_restoresTheImage(orientation: Int, inverse: Int) throws {
        #expect(try sample.oriented(by: orientation).oriented(by: inverse) == sample)
    }

    @Test func oriented_whenOrientationIsOutOfRange_refuses() {
        expectFaceError(.invalidArgument) { _ = try sample.oriented(by: 9) }
    }

    @Test func jpegOrientation_readsTheInsertedTag() throws {
        let original = [UInt8](try Data(contentsOf: FaceFixtures.photo("0-f1-su-ph.jpg")))
        #expect(ImageDecoder.jpegOrientation(of: original) == 1)
        for orientation in 1...8 {
            let tagged = insertingExifOrientation(UInt16(orientation), into: original)
            #expect(ImageDecoder.jpegOrientation(of: tagged) == orientation)
        }
    }

    @Test func decode_whenExifSaysRotate_appliesAndReportsIt() throws {
        let scratch = try FaceScratchDirectory()
        defer { scratch.remove() }
        // A 4 x 2 gray ramp stored sideways: orientation 6 (rotate 90 degrees clockwise) must stand it up.
        let upright = DecodedImage(width: 4, height: 2, pixels: [0, 80, 160, 240, 40, 120, 200, 255])
        let stored = try upright.oriented(by: 8)
        try ImageDecoder.writeJPEG(
            pixels: stored.pixels, width: stored.width, height: stored.height, quality: 100, to: scratch.file("s.jpg"))
        let tagged = insertingExifOrientation(6, into: [UInt8](try Data(contentsOf: scratch.file("s.jpg"))))

        let decoded = try ImageDecoder.decode(data: tagged)
        #expect(decoded.storedOrientation == 6 && decoded.appliedOrientation == 6)
        #expect(decoded.width == 4 && decoded.height == 2)
        for (observed, expected) in zip(decoded.pixels, upright.pixels) {
            expectClose(Double(observed), Double(expected), tolerance: 12, "JPEG-coded ramp pixel")
        }

        let untouched = try ImageDecoder.decode(data: tagged, applyingOrientation: false)
        #expect(untouched.width == 2 && untouched.height == 4 && untouched.appliedOrientation == 1)
    }
}
