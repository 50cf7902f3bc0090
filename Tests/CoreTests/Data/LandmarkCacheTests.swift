import Foundation
import Testing

@testable import Core

@Suite struct LandmarkCacheTests {
    @Test func faces_onSecondLookupOfUnchangedFile_comesFromCacheWithoutCallingTheExtractor() throws {
        let folder = try ScratchFolder("cache")
        defer { folder.remove() }
        let image = try folder.write("faces 2", to: "img/a.jpg")
        let extractor = CountingExtractor()

        let first = try LandmarkCache(cacheDirectory: folder.cache, extractor: extractor).faces(inImageAt: image)
        let secondCache = LandmarkCache(cacheDirectory: folder.cache, extractor: extractor)
        let second = try secondCache.faces(inImageAt: image)

        #expect(extractor.callCount == 1)
        #expect(first == second)
        #expect(secondCache.counts.fromCache == 1 && secondCache.counts.extracted == 0)
        guard case .faces(let found) = second else {
            Issue.record("expected faces, got \(second)")
            return
        }
        #expect(found.faces.count == 2)
        expectAllClose(
            found.faces[1].landmarks, CountingExtractor.landmarks(name: "a.jpg", face: 1), tolerance: 0,
            "a.jpg face 1 read back from the cache")
    }

    @Test func faces_whenFileChanges_extractsAgain() throws {
        let folder = try ScratchFolder("cache")
        defer { folder.remove() }
        let image = try folder.write("faces 1", to: "a.jpg")
        let extractor = CountingExtractor()
        _ = try LandmarkCache(cacheDirectory: folder.cache, extractor: extractor).faces(inImageAt: image)

        try folder.write("faces 3\n", to: "a.jpg")
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: image.path)
        let cache = LandmarkCache(cacheDirectory: folder.cache, extractor: extractor)
        let outcome = try cache.faces(inImageAt: image)
        let again = try LandmarkCache(cacheDirectory: folder.cache, extractor: extractor).faces(inImageAt: image)

        #expect(extractor.callCount == 2)
        #expect(cache.counts.extracted == 1)
        guard case .faces(let found) = outcome else {
            Issue.record("expected faces, got \(outcome)")
            return
        }
        #expect(found.faces.count == 3)
        #expect(again == outcome)
    }

    @Test func faces_whenOnlyModificationTimeChanges_extractsAgain() throws {
        let folder = try ScratchFolder("cache")
        defer { folder.remove() }
        let image = try folder.write("faces 1", to: "a.jpg")
        let extractor = CountingExtractor()
        _ = try LandmarkCache(cacheDirectory: folder.cache, extractor: extractor).faces(inImageAt: image)

        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 1_000)], ofItemAtPath: image.path)
        _ = try LandmarkCache(cacheDirectory: folder.cache, extractor: extractor).faces(inImageAt: image)

        #expect(extractor.callCount == 2)
    }

    @Test func faces_whenExtractorVersionChanges_extractsAgain() throws {
        let folder = try ScratchFolder("cache")
        defer { folder.remove() }
        let image = try folder.write("faces 1", to: "a.jpg")
        let old = CountingExtractor(version: "v1")
        let new = CountingExtractor(version: "v2")
        _ = try LandmarkCache(cacheDirectory: folder.cache, extractor: old).faces(inImageAt: image)
        _ = try LandmarkCache(cacheDirectory: folder.cache, extractor: new).faces(inImageAt: image)
        _ = try LandmarkCache(cacheDirectory: folder.cache, extractor: new).faces(inImageAt: image)

        #expect(old.callCount == 1)
        #expect(new.callCount == 1)
    }

    @Test(arguments: ["", "{\"format\": 1", "not json at all", "{\"format\": 99}"])
    func faces_whenRecordIsCorrupt_extractsAgainAndRepairsIt(corruption: String) throws {
        let folder = try ScratchFolder("cache")
        defer { folder.remove() }
        let image = try folder.write("faces 1", to: "a.jpg")
        let extractor = CountingExtractor()
        let cache = LandmarkCache(cacheDirectory: folder.cache, extractor: extractor)
        _ = try cache.faces(inImageAt: image)

        let record = cache.recordURL(forPath: image.standardizedFileURL.path)
        try Data(corruption.utf8).write(to: record)
        let outcome = try LandmarkCache(cacheDirectory: folder.cache, extractor: extractor).faces(inImageAt: image)
        _ = try LandmarkCache(cacheDirectory: folder.cache, extractor: extractor).faces(inImageAt: image)

        #expect(extractor.callCount == 2, "corrupt record '\(corruption)' is extracted once more, then reused")
        guard case .faces(let found) = outcome else {
            Issue.record("expected faces, got \(outcome)")
            return
        }
        #expect(found.faces.count == 1)
    }

    @Test func faces_recordsExtractorErrorsAndNoFaceOnceAndReportsMissingFiles() throws {
        let folder = try ScratchFolder("cache")
        defer { folder.remove() }
        let garbage = try folder.write("garbage", to: "bad.jpg")
        let empty = try folder.write("noface", to: "empty.jpg")
        let extractor = CountingExtractor()

        for _ in 0..<2 {
            let cache = LandmarkCache(cacheDirectory: folder.cache, extractor: extractor)
            let bad = try cache.faces(inImageAt: garbage)
            let none = try cache.faces(inImageAt: empty)
            let missing = try cache.faces(inImageAt: folder.path("absent.jpg"))
            #expect(bad == .failed(reason: "unreadable_image: not an image: \(garbage.path)"))
            #expect(none == .faces(ImageFaces(faces: [], width: 200, height: 200, appliedOrientation: 1)))
            guard case .failed(let reason) = missing else {
                Issue.record("expected a failure for a missing file, got \(missing)")
                continue
            }
            #expect(reason.hasPrefix("missing_file: stat"))
            #expect(cache.counts.files == 3 && cache.counts.missing == 1)
        }
        #expect(extractor.callCount == 2)
    }

    @Test func faces_whenNothingNeedsExtracting_neverMakesTheExtractor() throws {
        let folder = try ScratchFolder("cache")
        defer { folder.remove() }
        let image = try folder.write("faces 1", to: "a.jpg")
        _ = try LandmarkCache(cacheDirectory: folder.cache, extractor: CountingExtractor()).faces(inImageAt: image)

        var made = 0
        let cache = LandmarkCache(cacheDirectory: folder.cache, extractorVersion: "test-1") {
            made += 1
            return CountingExtractor()
        }
        _ = try cache.faces(inImageAt: image)

        #expect(made == 0)
    }

    @Test func faces_whenCacheFolderIsNotWritable_stillAnswersAndCountsTheFailure() throws {
        let folder = try ScratchFolder("cache")
        defer { folder.remove() }
        let image = try folder.write("faces 1", to: "a.jpg")
        let blocker = try folder.write("a file where the cache folder should be", to: "blocked")

        let cache = LandmarkCache(cacheDirectory: blocker, extractor: CountingExtractor())
        let outcome = try cache.faces(inImageAt: image)

        guard case .faces(let found) = outcome else {
            Issue.record("expected faces, got \(outcome)")
            return
        }
        #expect(found.faces.count == 1)
        #expect(cache.counts.cacheWriteFailures == 1)
    }
}
