import Foundation
import Testing

@testable import Core

@Suite struct FergReaderTests {
    static let expressions = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]

    /// Two characters, ten images per expression each, one image without a face, one foreign folder.
    private func makeTree(in folder: ScratchFolder) throws {
        for character in ["aia", "bonnie"] {
            for expression in Self.expressions {
                for number in 1...10 {
                    let name = "\(character)/\(character)_\(expression)/\(character)_\(expression)_\(number).png"
                    try folder.write("faces 1", to: "ferg/" + name)
                }
            }
        }
        try folder.write("noface", to: "ferg/aia/aia_joy/aia_joy_11.png")
        try folder.write("faces 1", to: "ferg/bonnie/bonnie_smirk/bonnie_smirk_1.png")
        try folder.write("not an image", to: "ferg/aia/aia_joy/notes.txt")
    }

    private func load(_ folder: ScratchFolder, options: String = "") throws -> DatasetLoadReport {
        let extractor = CountingExtractor()
        let spec = try DatasetSpec(parsing: "ferg:\(folder.path("ferg").path)\(options)")
        return try DatasetLoader.loadWithReport(
            spec, cacheDirectory: folder.cache, extractorVersion: extractor.extractorVersion,
            makeExtractor: { extractor })
    }

    @Test func load_readsEveryExpressionFolderAndDropsWhatItCannotUse() throws {
        let folder = try ScratchFolder("ferg")
        defer { folder.remove() }
        try makeTree(in: folder)

        let report = try load(folder)

        #expect(report.dataset.classNames == Self.expressions)
        #expect(report.dataset.count == 140)
        for label in 0..<7 { #expect(report.dataset.labels.count { $0 == label } == 20, "class \(label)") }
        #expect(report.droppedByReason == ["no_face": 1, "unknown_label": 1])
        #expect(report.extraction?.files == 141, "the foreign folder's file is dropped before extraction")
        let joyIndex = try #require(report.dataset.sources.firstIndex { $0.hasSuffix("aia_joy_1.png") })
        expectAllClose(
            Array(report.dataset.landmarks[joyIndex * 204..<(joyIndex + 1) * 204]),
            CountingExtractor.landmarks(name: "aia_joy_1.png", face: 0), tolerance: 0, "aia_joy_1.png")
    }

    @Test func load_splitsEachExpressionInTheSameProportionsAndRepeatsWithTheSeed() throws {
        let folder = try ScratchFolder("ferg")
        defer { folder.remove() }
        try makeTree(in: folder)

        let first = try load(folder, options: "?validation=0.2&test=0.1&seed=5").dataset
        let again = try load(folder, options: "?validation=0.2&test=0.1&seed=5").dataset
        let otherSeed = try load(folder, options: "?validation=0.2&test=0.1&seed=6").dataset

        let splits = try #require(first.splits)
        for label in 0..<7 {
            let ofClass = first.labels.indices.filter { first.labels[$0] == label }.map { splits[$0] }
            #expect(ofClass.count { $0 == .validation } == 4, "class \(label): 20 samples x 0.2")
            #expect(ofClass.count { $0 == .test } == 2, "class \(label): 20 samples x 0.1")
        }
        #expect(again.splits == first.splits)
        #expect(again.sources == first.sources)
        #expect(otherSeed.splits != first.splits)
    }

    @Test func load_whenFractionsLeaveNoTrainingData_refuses() throws {
        let folder = try ScratchFolder("ferg")
        defer { folder.remove() }
        try makeTree(in: folder)
        #expect(throws: DatasetLoadError.self) { try load(folder, options: "?validation=0.6&test=0.5") }
        #expect(
            throws: DatasetLoadError.badOptionValue(
                option: "test", value: "1.5",
                expected: "a fraction from 0 up to but not including 1")
        ) { try load(folder, options: "?test=1.5") }
    }
}
