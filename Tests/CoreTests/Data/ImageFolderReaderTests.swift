import Foundation
import Testing

@testable import Core

@Suite struct ImageFolderReaderTests {
    @Test func load_takesClassesFromSubfoldersAndDropsUnreadableAndFacelessImages() throws {
        let folder = try ScratchFolder("folder")
        defer { folder.remove() }
        try folder.write("faces 1", to: "faces/happy/a.jpg")
        try folder.write("faces 2", to: "faces/happy/nested/b.JPEG")
        try folder.write("faces 1", to: "faces/angry/c.png")
        try folder.write("noface", to: "faces/angry/d.png")
        try folder.write("garbage", to: "faces/angry/e.jpg")
        try folder.write("ignored", to: "faces/angry/readme.txt")
        try folder.write("faces 1", to: "faces/loose.jpg")

        let extractor = CountingExtractor()
        let spec = try DatasetSpec(parsing: "folder:\(folder.path("faces").path)")
        let report = try DatasetLoader.loadWithReport(
            spec, cacheDirectory: folder.cache, extractorVersion: extractor.extractorVersion,
            makeExtractor: { extractor })

        #expect(report.dataset.classNames == ["angry", "happy"])
        #expect(report.dataset.labels == [0, 1, 1])
        #expect(
            report.dataset.sources.map { URL(fileURLWithPath: $0).lastPathComponent } == ["c.png", "a.jpg", "b.JPEG"])
        #expect(report.dataset.splits == nil)
        #expect(report.droppedByReason == ["no_face": 1, "unreadable_image": 1])
        let garbage = try #require(report.dataset.dropped.first { $0.source.hasSuffix("e.jpg") })
        #expect(garbage.reason.hasPrefix("unreadable_image: not an image"))
        expectAllClose(
            Array(report.dataset.landmarks[2 * 204..<3 * 204]), CountingExtractor.landmarks(name: "b.JPEG", face: 0),
            tolerance: 0, "b.JPEG, largest of two faces")
        #expect(extractor.callCount == 5)
    }

    @Test func load_whenFolderHasNoSubfolders_failsSayingSo() throws {
        let folder = try ScratchFolder("folder")
        defer { folder.remove() }
        try folder.write("faces 1", to: "flat/a.jpg")
        let spec = try DatasetSpec(parsing: "folder:\(folder.path("flat").path)")
        #expect(throws: DatasetLoadError.nothingFound(path: folder.path("flat").path, expected: "class subfolders")) {
            try DatasetLoader.loadWithReport(spec, cacheDirectory: folder.cache, makeExtractor: { CountingExtractor() })
        }
    }
}
