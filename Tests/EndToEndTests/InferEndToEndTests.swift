import Core
import Foundation
import Testing

extension EndToEnd {
    @Suite("infer")
    struct InferEndToEndTests {
        @Test func infer_withATrainedModel_onRealPhotos_writesOneRowPerFace() throws {
            let photos = try GlareInstallation.photosDirectory()
            let images = try FileManager.default.contentsOfDirectory(atPath: photos.path)
                .filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".png") }.sorted()
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            let trainId = try harness.submit(Trainings.tiny)
            let trained = try harness.ctl(["wait", String(trainId)], timeout: .seconds(300))
            try #require(trained.status == 0, "\(trained)\n\(harness.jobLog(trainId))")

            let infer = try harness.ctl(
                ["infer", "--model", String(trainId), "--follow"]
                    + images.map { photos.appendingPathComponent($0).path },
                timeout: .seconds(300))
            let inferId = try #require(infer.output.split(separator: "\n").first.flatMap { Int64($0) }, "\(infer)")
            #expect(infer.status == 0, "\(infer)\n\(harness.jobLog(inferId))")

            let printed = try harness.ctl(["result", String(inferId), "--print"])
            try #require(printed.status == 0, "\(printed)")
            let table = CSVTable(printed.output)
            let fileColumn = try #require(table.column { $0 == "file" || $0.hasSuffix("file") }, "\(table.header)")
            let statusColumn = try #require(table.column { $0 == "status" }, "\(table.header)")

            func rows(for name: String) -> [[String]] {
                table.rows.filter { $0.count > fileColumn && ($0[fileColumn] as NSString).lastPathComponent == name }
            }
            #expect(rows(for: "multi_face.jpg").count == 4, "\(printed.output)")
            #expect(rows(for: "multi_face.jpg").allSatisfy { $0[statusColumn] == "ok" })
            let landscape = rows(for: "free-mountain-vector-01.jpg")
            #expect(landscape.count == 1 && landscape.first?[statusColumn] == "no_face", "\(landscape)")
            for image in images {
                #expect(!rows(for: image).isEmpty, "no row for \(image)")
            }
            #expect(!printed.output.lowercased().contains("nan"), "NaN in predictions: \(printed.output)")

            let listing = try harness.ctl(["result", String(inferId)])
            #expect(listing.output.contains("predictions.json"), "\(listing)")
        }
    }
}
