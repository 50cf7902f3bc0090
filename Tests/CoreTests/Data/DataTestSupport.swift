import Foundation
import Testing

@testable import Core

/// A fresh folder under the system's temporary folder for one test, removed by `remove()`.
struct ScratchFolder {
    let url: URL

    init(_ label: String = "data") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("glare-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    /// Writes `text` to `relative`, making its folders.
    @discardableResult
    func write(_ text: String, to relative: String) throws -> URL {
        let file = path(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    /// The landmark cache folder tests use.
    var cache: URL { path("cache") }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A stand-in for the dlib extractor that reads tiny text "images" and counts its calls.
///
/// A file holding `faces N` has N faces: face i has a box of side 100 - 10 i at (20 i, 10 i) and
/// landmarks derived from the file's name and i, so different files differ. `noface` has none; any
/// other content is "not an image" and throws.
final class CountingExtractor: LandmarkExtracting {
    struct NotAnImage: Error, CustomStringConvertible {
        var path: String
        var description: String { "not an image: \(path)" }
    }

    let extractorVersion: String
    private(set) var calls: [String] = []

    init(version: String = "test-1") { extractorVersion = version }

    var callCount: Int { calls.count }

    func faces(inImageAt url: URL) throws -> ImageFaces {
        calls.append(url.lastPathComponent)
        let text = (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let text else { throw NotAnImage(path: url.path) }
        if text == "noface" { return ImageFaces(faces: [], width: 200, height: 200, appliedOrientation: 1) }
        guard text.hasPrefix("faces "), let count = Int(text.dropFirst(6)) else { throw NotAnImage(path: url.path) }
        let faces = (0..<count).map { index in
            DetectedFace(
                box: FaceBox(
                    x: Double(20 * index), y: Double(10 * index), width: Double(100 - 10 * index),
                    height: Double(100 - 10 * index)),
                score: 1, landmarks: Self.landmarks(name: url.lastPathComponent, face: index))
        }
        return ImageFaces(faces: faces, width: 200, height: 200, appliedOrientation: 1)
    }

    /// The landmarks the extractor gives face `face` of the file named `name`.
    static func landmarks(name: String, face: Int) -> [Float] {
        let base = Float(LandmarkCache.fnv1a(name) % 1000)
        return (0..<LandmarkDataset.valuesPerSample).map { base + Float($0) + Float(face) * 0.5 }
    }
}

/// 136 numbers for an AffectNet `facial_landmarks` field, x0;y0;x1;y1;...
func affectNetLandmarkField(seed: Int, count: Int = 136) -> String {
    (0..<count).map { String(Float(seed) + Float($0) * 0.25) }.joined(separator: ";")
}

/// The package root, found from this file's path.
func packageRoot(from file: String = #filePath) -> URL {
    var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
    while folder.path != "/" {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
        folder.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: file).deletingLastPathComponent()
}

/// The real fixture photos (`GLARE_FIXTURES`, else `<package root>/.fixtures`), or a recorded issue
/// telling how to get them.
func fixturePhotos(sourceLocation: SourceLocation = #_sourceLocation) -> URL? {
    let root =
        ProcessInfo.processInfo.environment["GLARE_FIXTURES"].map { URL(fileURLWithPath: $0) }
        ?? packageRoot().appendingPathComponent(".fixtures")
    let photos = root.appendingPathComponent("photos")
    guard FileManager.default.fileExists(atPath: photos.appendingPathComponent("multi_face.jpg").path) else {
        Issue.record(
            "fixture photos missing in \(photos.path); run scripts/fetch-fixtures", sourceLocation: sourceLocation)
        return nil
    }
    return photos
}
