import Foundation
import Testing

@testable import Core

@Suite("glare-bench model")
struct ModelBenchmarkCommandTests {
    /// A report draws from these figures; the printed table is for people.
    @Test func json_holdsEveryFigureOfTheRun() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let command = try ModelBenchmarkCommand(arguments: [
            "--threads", "1", "--batch-sizes", "4,8", "--no-peer", "--reps", "1", "--rep-seconds", "0.01",
            "--json", file.path,
        ])

        try command.run()

        let report = try JSONDecoder().decode(ModelBenchmarkCommand.Report.self, from: Data(contentsOf: file))
        #expect(report.glare.map(\.batchSize) == [4, 8] && report.glare.allSatisfy { $0.threads == 1 })
        #expect(report.glare.allSatisfy { $0.training.samplesPerSecond > 0 && $0.inference.samplesPerSecond > 0 })
        #expect(report.forwardFlopsPerSample == 1_688_064 && report.peer.isEmpty)
        #expect(throws: ModelBenchmarkCommand.UsageError.self) { try ModelBenchmarkCommand(arguments: ["--json"]) }
    }
}
