import Foundation
import Synchronization
import Testing

@testable import Core

/// A job context over a scratch folder that keeps the events and log lines it is given.
final class RecordingJobContext: Sendable {
    /// What the context's closures write into.
    private final class Recorder: Sendable {
        let events = Mutex<[ProgressEvent]>([])
        let log = Mutex<[String]>([])
        let stop = Mutex(false)
    }

    let folder: URL
    let context: JobContext
    private let recorder = Recorder()

    /// A context whose job directory is `folder/job` and whose landmark cache is `cache`, else `folder/cache`.
    init(folder: URL, cache: URL? = nil) {
        self.folder = folder
        let recorder = self.recorder
        context = JobContext(
            jobId: 7, directory: JobDirectory(url: folder.appendingPathComponent("job")),
            landmarkCacheDirectory: cache ?? folder.appendingPathComponent("cache"),
            reportProgress: { event in recorder.events.withLock { $0.append(event) } },
            stopRequested: { recorder.stop.withLock { $0 } },
            log: { line in recorder.log.withLock { $0.append(line) } })
    }

    var events: [ProgressEvent] { recorder.events.withLock { $0 } }
    var logLines: [String] { recorder.log.withLock { $0 } }
    func requestStop() { recorder.stop.withLock { $0 = true } }

    var results: URL { context.directory.results }

    func resultText(_ name: String) throws -> String {
        try String(contentsOf: results.appendingPathComponent(name), encoding: .utf8)
    }

    func resultJSON(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: results.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// A model stand-in: three classes; face with first landmark value v gets (0.2, 0.5, 0.3) rotated by
/// Int(v) mod 3, or NaN for every class when `givesNaN`.
final class FixedPredictor: ExpressionPredicting {
    let classNames = ["anger", "happy", "sad"]
    let givesNaN: Bool
    private(set) var batches: [Int] = []

    init(givesNaN: Bool = false) { self.givesNaN = givesNaN }

    static func probabilities(firstValue: Float) -> [Float] {
        let base: [Float] = [0.2, 0.5, 0.3]
        let shift = Int(firstValue) % 3
        return (0..<3).map { base[($0 + shift) % 3] }
    }

    func predictProbabilities(landmarks: [Float], count: Int) -> [Float] {
        batches.append(count)
        if givesNaN { return [Float](repeating: .nan, count: count * 3) }
        return (0..<count).flatMap { Self.probabilities(firstValue: landmarks[$0 * LandmarkDataset.valuesPerSample]) }
    }
}
