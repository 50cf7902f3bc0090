import Foundation

/// The files of one job, in one directory that the job's owner owns.
///
/// ```
/// <state>/jobs/<id>/
///   spec.json          the JobSpec, written by the daemon at submit time
///   log                the worker's standard output and error
///   events.jsonl       progress events, one JSON object a line, appended by the worker
///   outcome.json       the WorkerOutcome, written by the worker just before it exits
///   checkpoints/       training checkpoints (last.ckpt)
///   results/           metrics.json, history.json, predictions.csv/json, model.glare, ...
/// ```
public struct JobDirectory: Sendable, Equatable {
    /// The directory itself.
    public let url: URL

    /// Names the directory at `url`.
    public init(url: URL) { self.url = url }

    /// The job's spec.
    public var spec: URL { url.appendingPathComponent("spec.json") }
    /// The worker's output.
    public var log: URL { url.appendingPathComponent("log") }
    /// Progress events, one JSON line each.
    public var events: URL { url.appendingPathComponent("events.jsonl") }
    /// How the worker ended, written by the worker.
    public var outcome: URL { url.appendingPathComponent("outcome.json") }
    /// Training checkpoints.
    public var checkpoints: URL { url.appendingPathComponent("checkpoints", isDirectory: true) }
    /// The last checkpoint, from which an interrupted job resumes.
    public var lastCheckpoint: URL { checkpoints.appendingPathComponent("last.ckpt") }
    /// Result files a user fetches with `glarectl result`.
    public var results: URL { url.appendingPathComponent("results", isDirectory: true) }
    /// The trained model, for a training job.
    public var model: URL { results.appendingPathComponent("model.glare") }
}
