import Foundation
import Testing

@testable import Core

@Suite struct AffectNetReaderTests {
    static let header =
        "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal"

    private func row(_ path: String, landmarks: String, expression: String, box: String = "10,10,80,80") -> String {
        "\(path),\(box),\(landmarks),\(expression),0.1,-0.2"
    }

    private func load(
        _ folder: ScratchFolder, options: String = "", extractor: CountingExtractor = CountingExtractor()
    )
        throws -> DatasetLoadReport
    {
        let spec = try DatasetSpec(parsing: "affectnet:\(folder.url.path)\(options)")
        return try DatasetLoader.loadWithReport(
            spec, cacheDirectory: folder.cache, extractorVersion: extractor.extractorVersion,
            makeExtractor: { extractor })
    }

    @Test func load_readsLandmarksFromCSVWithZeroDepthAndOfficialValidationAsTest() throws {
        let folder = try ScratchFolder("affectnet")
        defer { folder.remove() }
        var training = [Self.header]
        for index in 0..<20 {
            training.append(
                row("1/train\(index).jpg", landmarks: affectNetLandmarkField(seed: index), expression: "\(index % 8)"))
        }
        try folder.write(training.joined(separator: "\n") + "\n", to: "training.csv")
        let validation = [
            Self.header, row("2/val0.jpg", landmarks: affectNetLandmarkField(seed: 100), expression: "3"),
        ]
        try folder.write(validation.joined(separator: "\n") + "\n", to: "validation.csv")

        let dataset = try load(folder, options: "?validation=0.25&seed=3").dataset

        #expect(dataset.classNames == ["neutral", "happy", "sad", "surprise", "fear", "disgust", "anger", "contempt"])
        #expect(dataset.count == 21)
        #expect(dataset.dropped.isEmpty)
        #expect(dataset.labels.prefix(9) == [0, 1, 2, 3, 4, 5, 6, 7, 0])
        let firstFace = Array(dataset.landmarks[0..<LandmarkDataset.valuesPerSample])
        let expected: [Float] = (0..<68).flatMap { (point: Int) -> [Float] in
            [Float(point * 2) * 0.25, Float(point * 2 + 1) * 0.25, 0]
        }
        expectAllClose(firstFace, expected, tolerance: 0, "training.csv row 2")
        #expect(dataset.splits?.last == .test)
        let trainingSplits = dataset.splits?.prefix(20) ?? []
        #expect(trainingSplits.count { $0 == .validation } == 8, "round(n / 4) of each of the 8 classes (n = 3 or 2)")
        #expect(!trainingSplits.contains(.test))
    }

    @Test func load_dropsBadRowsWithTheirReasonsAndKeepsTheRest() throws {
        let folder = try ScratchFolder("affectnet")
        defer { folder.remove() }
        let good = affectNetLandmarkField(seed: 1)
        var nanField = affectNetLandmarkField(seed: 2).split(separator: ";").map(String.init)
        nanField[7] = "nan"
        var textField = affectNetLandmarkField(seed: 3).split(separator: ";").map(String.init)
        textField[0] = "abc"
        let lines = [
            Self.header,
            row("a/good.jpg", landmarks: good, expression: "1"),
            row("a/short.jpg", landmarks: affectNetLandmarkField(seed: 1, count: 134), expression: "1"),
            row("a/nan.jpg", landmarks: nanField.joined(separator: ";"), expression: "2"),
            row("a/text.jpg", landmarks: textField.joined(separator: ";"), expression: "2"),
            row("a/none.jpg", landmarks: good, expression: "8"),
            row("a/uncertain.jpg", landmarks: good, expression: "9"),
            row("a/noface.jpg", landmarks: good, expression: "10"),
            row("a/eleven.jpg", landmarks: good, expression: "11"),
            row("a/word.jpg", landmarks: good, expression: "happy"),
            row("a/contempt.jpg", landmarks: good, expression: "7"),
            "a/fields.jpg,1,2,3",
            row("a/good2.jpg", landmarks: good, expression: "6"),
        ]
        try folder.write(lines.joined(separator: "\n"), to: "training.csv")

        let report = try load(folder, options: "?classes=7")

        #expect(report.dataset.classNames.count == 7)
        #expect(report.dataset.labels == [1, 6])
        #expect(
            report.droppedByReason == [
                "wrong_landmark_count": 1, "non_finite_value": 1, "not_a_number": 2, "excluded_label": 4,
                "unknown_label": 1, "wrong_field_count": 1,
            ])
        let reasons = Dictionary(uniqueKeysWithValues: report.dataset.dropped.map { ($0.source, $0.reason) })
        #expect(reasons["training.csv:3"] == "wrong_landmark_count: 134 numbers in facial_landmarks, expected 136")
        #expect(reasons["training.csv:6"] == "excluded_label: expression 8 (none)")
        #expect(reasons["training.csv:11"] == "excluded_label: expression 7 (contempt) with classes=7")
    }

    @Test func load_whenLandmarkColumnIsMissing_failsNamingTheColumn() throws {
        let folder = try ScratchFolder("affectnet")
        defer { folder.remove() }
        try folder.write("subDirectory_filePath,expression\na/b.jpg,1\n", to: "training.csv")

        #expect(
            throws: DatasetLoadError.missingColumn(file: folder.path("training.csv").path, column: "facial_landmarks")
        ) {
            try load(folder)
        }
    }

    @Test func load_whenLandmarksComeFromImages_usesTheDetectedFaceInsideTheCSVBox() throws {
        let folder = try ScratchFolder("affectnet")
        defer { folder.remove() }
        try folder.write("faces 3", to: "Manually_Annotated_Images/1/three.jpg")
        try folder.write("noface", to: "Manually_Annotated_Images/1/empty.jpg")
        let lines = [
            Self.header,
            // Face 2 of the extractor's three sits at (40, 20) with side 80.
            row("1/three.jpg", landmarks: "", expression: "4", box: "42,22,76,76"),
            row("1/empty.jpg", landmarks: "", expression: "1"),
            row("1/absent.jpg", landmarks: "", expression: "1"),
        ]
        try folder.write(lines.joined(separator: "\n"), to: "Manually_Annotated_file_lists/validation.csv")

        let extractor = CountingExtractor()
        let report = try load(folder, options: "?landmarks=images", extractor: extractor)

        #expect(report.dataset.count == 1)
        expectAllClose(
            report.dataset.landmarks, CountingExtractor.landmarks(name: "three.jpg", face: 2), tolerance: 0,
            "three.jpg with box 42,22,76,76")
        #expect(report.dataset.splits == [.test])
        #expect(report.droppedByReason == ["no_face": 1, "missing_file": 1])
        #expect(report.extraction?.extracted == 2)
        #expect(extractor.callCount == 2)
    }

    @Test func load_whenNoAnnotationFileExists_failsSayingWhatItLookedFor() throws {
        let folder = try ScratchFolder("affectnet")
        defer { folder.remove() }
        #expect(
            throws: DatasetLoadError.nothingFound(
                path: folder.url.standardizedFileURL.path,
                expected: "training.csv or validation.csv")
        ) { try load(folder) }
    }
}
