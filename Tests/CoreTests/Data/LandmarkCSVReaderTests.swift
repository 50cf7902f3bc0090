import Foundation
import Testing

@testable import Core

@Suite struct LandmarkCSVReaderTests {
    /// A header in OpenFace's style (a space after each comma) with 2D columns only and a label.
    static func header2D(label: String = "label") -> String {
        (["frame", "success"] + (0..<68).map { "x_\($0)" } + (0..<68).map { "y_\($0)" } + [label])
            .joined(separator: ", ")
    }

    static func row2D(frame: Int, success: Int = 1, label: String, replacing: (Int, String)? = nil) -> String {
        var values = (0..<136).map { String(Float(frame * 1000 + $0)) }
        if let (index, text) = replacing { values[index] = text }
        return (["\(frame)", "\(success)"] + values + [label]).joined(separator: ",")
    }

    private func load(_ spec: String) throws -> DatasetLoadReport {
        try DatasetLoader.loadWithReport(
            try DatasetSpec(parsing: spec), cacheDirectory: URL(fileURLWithPath: "/nonexistent/cache"),
            makeExtractor: { CountingExtractor() })
    }

    @Test func load_readsTwoDimensionalColumnsWithZeroDepthAndDropsBadRows() throws {
        let folder = try ScratchFolder("landmarks")
        defer { folder.remove() }
        let lines = [
            Self.header2D(),
            Self.row2D(frame: 1, label: "happy"),
            Self.row2D(frame: 2, label: "sad", replacing: (5, "NaN")),
            Self.row2D(frame: 3, label: "sad", replacing: (70, "left")),
            Self.row2D(frame: 4, label: "bored"),
            Self.row2D(frame: 5, success: 0, label: "happy"),
            "6,1,2,3",
            Self.row2D(frame: 7, label: ""),
            Self.row2D(frame: 8, label: "sad"),
        ]
        let file = try folder.write(lines.joined(separator: "\n"), to: "faces.csv")

        let report = try load("landmarks:\(file.path)?classes=happy,sad")

        #expect(report.dataset.classNames == ["happy", "sad"])
        #expect(report.dataset.labels == [0, 1])
        #expect(
            report.droppedByReason == [
                "non_finite_value": 1, "not_a_number": 1, "unknown_label": 1, "no_face": 1, "wrong_field_count": 1,
                "missing_value": 1,
            ])
        let expected: [Float] = (0..<68).flatMap { (point: Int) -> [Float] in
            [Float(1000 + point), Float(1000 + 68 + point), 0]
        }
        expectAllClose(Array(report.dataset.landmarks[0..<204]), expected, tolerance: 0, "faces.csv frame 1")
        #expect(report.dataset.sources[1] == "\(file.path):9")
        #expect(report.extraction == nil)
    }

    @Test func load_withoutClassesOption_takesSortedDistinctLabelsFromTheNamedColumn() throws {
        let folder = try ScratchFolder("landmarks")
        defer { folder.remove() }
        let lines = [
            Self.header2D(label: "emotion"), Self.row2D(frame: 1, label: "surprise"),
            Self.row2D(frame: 2, label: "anger"),
            Self.row2D(frame: 3, label: "surprise"),
        ]
        let file = try folder.write(lines.joined(separator: "\n") + "\n", to: "faces.csv")

        let dataset = try load("landmarks:\(file.path)?label=emotion").dataset

        #expect(dataset.classNames == ["anger", "surprise"])
        #expect(dataset.labels == [1, 0, 1])
        #expect(throws: DatasetLoadError.missingColumn(file: file.path, column: "label")) {
            try load("landmarks:\(file.path)")
        }
    }

    @Test func load_whenLandmarkColumnIsMissing_failsNamingIt() throws {
        let folder = try ScratchFolder("landmarks")
        defer { folder.remove() }
        let header = (["label"] + (0..<68).map { "x_\($0)" } + (0..<67).map { "y_\($0)" }).joined(separator: ",")
        let file = try folder.write(header + "\n", to: "faces.csv")
        #expect(throws: DatasetLoadError.missingColumn(file: file.path, column: "y_67")) {
            try load("landmarks:\(file.path)")
        }
    }

    @Test func load_realOpenFaceFile_prefersThreeDimensionalColumns() throws {
        let photos = try #require(fixturePhotos())
        let file = photos.appendingPathComponent("OpenFace_Test.csv")

        let dataset = try load("landmarks:\(file.path)?label=success").dataset

        #expect(dataset.count + dataset.dropped.count == 100, "100 data rows")
        #expect(dataset.classNames == ["1"])

        // The first data row's X_0, Y_0, Z_0 and X_67, Y_67, Z_67, read independently of the reader.
        let lines = try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline)
        let header = lines[0].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = lines[1].split(separator: ",").map(String.init)
        let columns = ["X_0", "Y_0", "Z_0", "X_67", "Y_67", "Z_67"]
        let expected = columns.map { Float(values[header.firstIndex(of: $0)!])! }
        let observed = [0, 1, 2, 201, 202, 203].map { dataset.landmarks[$0] }
        expectAllClose(observed, expected, tolerance: 0, "OpenFace_Test.csv row 2, \(columns)")
        #expect(dataset.landmarks[2] != 0, "depth comes from Z_0, not zero")
    }
}
