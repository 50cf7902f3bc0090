import Foundation
import Testing

@testable import Core

@Suite struct LandmarkCachePrunerTests {
    private static let day: Double = 86_400

    private func age(_ url: URL, days: Double) throws {
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -days * Self.day)], ofItemAtPath: url.path)
    }

    @Test func aLookup_movesAStaleRecordsTimeForward_andLeavesAFreshOneAlone() throws {
        let folder = try ScratchFolder("prune")
        defer { folder.remove() }
        let image = try folder.write("faces 1", to: "a.jpg")
        let cache = LandmarkCache(cacheDirectory: folder.cache, extractor: CountingExtractor())
        _ = try cache.faces(inImageAt: image)
        let record = cache.recordURL(forPath: image.path)

        try age(record, days: 0.5)
        _ = try cache.faces(inImageAt: image)
        let halfDay = try #require(
            try record.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate)
        #expect(Date().timeIntervalSince(halfDay) > 0.4 * Self.day, "a record used within a day keeps its time")

        try age(record, days: 40)
        _ = try cache.faces(inImageAt: image)
        var refreshed = record
        refreshed.removeAllCachedResourceValues()
        let used = try #require(
            try refreshed.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate)
        #expect(Date().timeIntervalSince(used) < 60, "a record used now must not look 40 days old")
        #expect(cache.counts.fromCache == 2)
    }

    @Test func prune_deletesRecordsUnusedSinceTheCutoff_inEveryUsersCache() throws {
        let state = try ScratchFolder("prune")
        defer { state.remove() }
        let old = try state.write("{}", to: "cache/1000/landmarks/landmarks-v1/ab/ab01.json")
        let recent = try state.write("{}", to: "cache/1000/landmarks/landmarks-v1/ab/ab02.json")
        let leftover = try state.write("", to: "cache/1001/landmarks/landmarks-v1/cd/.cd03.json.X.tmp")
        let elsewhere = try state.write("{}", to: "cache/notauser/landmarks/landmarks-v1/ef/ef04.json")
        try age(old, days: 100)
        try age(leftover, days: 100)
        try age(elsewhere, days: 100)

        let counts = LandmarkCachePruner(cacheRoot: state.path("cache")).prune(
            usedBefore: Date().timeIntervalSince1970 - 90 * Self.day)

        #expect(counts == LandmarkCachePruner.Counts(removed: 2, kept: 1, skipped: 0))
        let manager = FileManager.default
        #expect(!manager.fileExists(atPath: old.path) && !manager.fileExists(atPath: leftover.path))
        #expect(manager.fileExists(atPath: recent.path) && manager.fileExists(atPath: elsewhere.path))
    }

    /// A user owns the folders below `cache/<uid>`: a link planted there must not lead a root
    /// daemon's sweep to files outside.
    @Test func prune_followsNoSymbolicLink() throws {
        let state = try ScratchFolder("prune")
        defer { state.remove() }
        let outside = try state.write("{}", to: "outside/victim.json")
        let outsideFile = try state.write("{}", to: "outside/file.json")
        try age(outside, days: 100)
        try age(outsideFile, days: 100)
        let records = state.path("cache/1000/landmarks/landmarks-v1")
        try FileManager.default.createDirectory(at: records, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: records.appendingPathComponent("ab"), withDestinationURL: state.path("outside"))
        try FileManager.default.createDirectory(
            at: records.appendingPathComponent("cd"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: records.appendingPathComponent("cd/cd01.json"), withDestinationURL: outsideFile)
        try FileManager.default.createDirectory(at: state.path("cache/1001"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: state.path("cache/1001/landmarks"), withDestinationURL: state.path("cache/1000/landmarks"))

        let counts = LandmarkCachePruner(cacheRoot: state.path("cache")).prune(usedBefore: Date().timeIntervalSince1970)

        #expect(FileManager.default.fileExists(atPath: outside.path))
        #expect(FileManager.default.fileExists(atPath: outsideFile.path))
        #expect(counts.removed == 0 && counts.skipped == 2)
    }
}
