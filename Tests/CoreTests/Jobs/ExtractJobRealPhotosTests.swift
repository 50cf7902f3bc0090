import Foundation
import Testing

@testable import Core

/// `extract` through the real extractor on a folder-per-class dataset made of the real photos.
@Suite struct ExtractJobRealPhotosTests {
    @Test func run_onRealPhotos_extractsOnceAndThenReadsEverythingFromTheCache() throws {
        let photos = try #require(fixturePhotos())
        let folder = try ScratchFolder("extract-photos")
        defer { folder.remove() }
        let layout = [
            "surprise": "0-f1-su-ph.jpg", "happy": "0-f15-hao-ph.jpg", "anger": "15-f13-anc-ph.jpg",
            "neutral": "single_face.jpg", "landscape": "free-mountain-vector-01.jpg",
        ]
        for (label, name) in layout {
            let classFolder = folder.path("faces/\(label)")
            try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                at: classFolder.appendingPathComponent(name), withDestinationURL: photos.appendingPathComponent(name))
        }
        let spec = JobSpec(kind: .extract, dataset: "folder:\(folder.path("faces").path)")

        let first = RecordingJobContext(folder: folder.path("first"), cache: folder.cache)
        let started = Date()
        let outcome = try ExtractJob.run(spec, context: first.context)
        let firstSeconds = Date().timeIntervalSince(started)
        let second = RecordingJobContext(folder: folder.path("second"), cache: folder.cache)
        let restarted = Date()
        let again = try ExtractJob.run(spec, context: second.context)
        let secondSeconds = Date().timeIntervalSince(restarted)

        #expect(outcome.state == .succeeded)
        #expect(outcome.summary["files"] == 5 && outcome.summary["extracted"] == 5)
        #expect(outcome.summary["samples"] == 4, "four photos with a face")
        #expect(outcome.summary["dropped"] == 1, "the landscape has no face")
        #expect(again.summary["from_cache"] == 5 && again.summary["extracted"] == 0)
        #expect(again.summary["samples"] == outcome.summary["samples"])
        let result = try second.resultJSON("extraction.json")
        #expect(result["dropped_by_reason"] as? [String: Int] == ["no_face": 1])
        print("extract on 5 real photos: first run \(firstSeconds) s, second run from cache \(secondSeconds) s")
        #expect(secondSeconds < firstSeconds)
    }
}
