import Foundation
import Testing

@testable import Core

/// The real photos from scripts/fetch-fixtures: env GLARE_FIXTURES, else `<package root>/.fixtures`.
enum FaceFixtures {
    static var root: URL {
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

    /// A fixture file; records a failure naming scripts/fetch-fixtures when it is missing.
    static func file(_ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        let url = root.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("missing fixture \(url.path): run scripts/fetch-fixtures", sourceLocation: sourceLocation)
            throw FixtureMissing(path: url.path)
        }
        return url
    }

    static func photo(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        try file("photos/\(name)", sourceLocation: sourceLocation)
    }

    struct FixtureMissing: Error {
        let path: String
    }
}

/// A scratch folder for files a test writes.
struct FaceScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("glare-faces-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Face-specific numeric checks (the shared `expectClose` lives in Support/NumericExpectations.swift); each
/// prints the input, the limit and the observed value when it fails.
enum FaceNumerics {
    static func expectBelow(
        _ observed: Double, _ limit: Double, _ input: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            observed < limit, "\(input): expected below \(limit), observed \(observed)", sourceLocation: sourceLocation)
    }

    /// Mean distance between corresponding points of two 68-point sets (x, y taken from `stride`-wide rows).
    static func meanPointDistance(
        _ first: [Float], _ second: [Float], firstStride: Int = 3, secondStride: Int = 3
    )
        -> Double
    {
        var total = 0.0
        for point in 0..<68 {
            let dx = Double(first[point * firstStride] - second[point * secondStride])
            let dy = Double(first[point * firstStride + 1] - second[point * secondStride + 1])
            total += (dx * dx + dy * dy).squareRoot()
        }
        return total / 68
    }

    /// Distance between the outer eye corners (points 36 and 45).
    static func interOcular(_ points: [Float], stride: Int = 3) -> Double {
        let dx = Double(points[36 * stride] - points[45 * stride])
        let dy = Double(points[36 * stride + 1] - points[45 * stride + 1])
        return (dx * dx + dy * dy).squareRoot()
    }
}

/// Expects `body` to throw a ``FaceError`` of `kind`.
func expectFaceError(
    _ kind: FaceError.Kind, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected \(kind), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as FaceError {
        #expect(error.kind == kind, "expected \(kind), got \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected FaceError.\(kind), got \(error)", sourceLocation: sourceLocation)
    }
}
