import Foundation
import Testing

@testable import Core

@Suite struct FaceShapeBasisTests {
    @Test func sizes_matchTheDocumentedLayout() {
        #expect(FaceShapeBasis.mean.count == 204)
        #expect(FaceShapeBasis.standardDeviations.count == FaceShapeBasis.directionCount)
        #expect(FaceShapeBasis.directions.count == FaceShapeBasis.directionCount * 204)
    }

    @Test func directions_areOrthonormal_andDeviationsDescend() {
        let count = FaceShapeBasis.directionCount
        for first in 0..<count {
            for second in first..<count {
                let dot = (0..<204).reduce(Float(0)) { sum, index in
                    sum + FaceShapeBasis.directions[first * 204 + index]
                        * FaceShapeBasis.directions[second * 204 + index]
                }
                expectClose(dot, first == second ? 1 : 0, tolerance: 1e-4, "directions \(first) and \(second)")
            }
        }
        let deviations = FaceShapeBasis.standardDeviations
        #expect(deviations.allSatisfy { $0 > 0 } && zip(deviations, deviations.dropFirst()).allSatisfy { $0 >= $1 })
    }

    /// An adult's outer eye corners are roughly 80 to 100 mm apart; a unit slip (micrometres kept,
    /// or metres) would be off by a factor of a thousand.
    @Test func mean_isCentred_inMillimetres_andOrientedLikeTheDocSays() {
        let centroid = LandmarkTestFaces.centroid(FaceShapeBasis.mean)
        for axis in 0..<3 { expectClose(centroid[axis], 0, tolerance: 1e-3, "axis \(axis)") }
        let eyes = LandmarkTestFaces.distance(FaceShapeBasis.mean, 36, 45)
        #expect((75...105).contains(eyes), "inter-ocular distance \(eyes) mm")

        let point = { LandmarkTestFaces.point(FaceShapeBasis.mean, $0) }
        #expect(point(36).x < 0 && point(45).x > 0, "point 36 is on the image's left")
        #expect(point(27).y > point(8).y, "y grows upwards: nasion above chin")
        #expect(point(30).z > point(0).z, "z grows towards the camera: nose tip in front of the jaw")
    }

    /// The checked-in file must be what the derivation script writes from the fixtures.
    @Test func checkedInFile_matchesTheDerivationScriptsOutput() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let fixtures =
            ProcessInfo.processInfo.environment["GLARE_FIXTURES"].map { URL(fileURLWithPath: $0) }
            ?? root.appendingPathComponent(".fixtures")
        let keypoints = fixtures.appendingPathComponent("3dmm/keypoints_sim.npy")
        guard FileManager.default.fileExists(atPath: keypoints.path) else {
            Issue.record("\(keypoints.path) is missing: run scripts/fetch-fixtures")
            return
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/derive-synthetic-face-basis").path]
        process.environment = ProcessInfo.processInfo.environment.merging(["GLARE_FIXTURES": fixtures.path]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let derived = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "the derivation script failed")

        let checkedIn = try String(
            contentsOf: root.appendingPathComponent("Sources/Core/Data/Synthetic/FaceShapeBasis.swift"), encoding: .utf8
        )
        // Compared number by number, not byte by byte: another numpy or LAPACK may round the last
        // printed digit differently.
        let derivedNumbers = Self.decimals(in: String(decoding: derived, as: UTF8.self))
        let checkedInNumbers = Self.decimals(in: checkedIn)
        #expect(derivedNumbers.count == checkedInNumbers.count && checkedInNumbers.count > 2000)
        for (index, (fresh, stored)) in zip(derivedNumbers, checkedInNumbers).enumerated() {
            guard abs(fresh - stored) <= 2e-4 + 1e-4 * abs(stored) else {
                Issue.record(
                    "number \(index): script gives \(fresh), checked-in file has \(stored); run the script again")
                return
            }
        }
    }

    /// Every decimal literal (digits, a point, digits, optionally signed) in `text`, in order.
    private static func decimals(in text: String) -> [Double] {
        let pattern = try! NSRegularExpression(pattern: "-?[0-9]+\\.[0-9]+")
        let range = NSRange(text.startIndex..., in: text)
        return pattern.matches(in: text, range: range).compactMap { match in
            Range(match.range, in: text).flatMap { Double(text[$0]) }
        }
    }
}
