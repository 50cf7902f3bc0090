import Foundation

@testable import Core

/// One sample of every request and reply, with the fields that make each case distinct set.
enum ProtocolSamples {
    static let spec = JobSpec(
        kind: .train, dataset: "ferg:/data/FERG_DB_256?split=0.8", name: "ferg-full", epochs: 40,
        variant: "full-gat", options: ["learning_rate": "0.001", "weight_decay": "1e-4"])

    static let record = JobRecord(
        id: 17, spec: spec, owner: 1001, ownerName: "ada", group: "train", priority: 2, dependencies: [3, 9],
        state: .running, createdAt: 1_700_000_000.25, startedAt: 1_700_000_100.5, finishedAt: nil,
        progress: ProgressEvent(
            phase: "epoch", time: 1_700_000_200, done: 4, total: 40, metrics: ["loss": 0.61, "accuracy": 0.7],
            message: "epoch 4/40"),
        reason: nil, summary: ["accuracy": 0.93], pid: 4242, pidStartTime: 12_345_678_901, attempt: 2,
        restarts: 1, cancelRequested: true)

    static let requests: [Request] = [
        .submit(spec: spec, priority: -3, after: [1, 2]),
        .list(all: true),
        .list(all: false, after: 412, limit: 50),
        .show(id: 17),
        .logs(id: 17, follow: true, fromOffset: 65_536),
        .cancel(ids: [4, 5, 6]),
        .wait(ids: [17]),
        .retry(id: 8),
        .remove(id: 9),
        .result(id: 17),
        .fetchFile(id: 17, name: "model.glare", offset: 262_144),
        .models,
        .drain,
        .resume,
        .setParallelism(group: "infer", count: 4),
        .shutdown,
        .reload,
        .status,
    ]

    static let replies: [Reply] = [
        .ok,
        .error(code: .notFound, message: "no job 7"),
        .job(record),
        .jobs([record, record]),
        .jobs([record], more: true),
        .submitted(record),
        .logChunk(data: Data([0, 1, 2, 255, 10, 13]), offset: 4096),
        .logEnd(state: .succeeded),
        .files([ResultFile(name: "metrics.json", size: 512), ResultFile(name: "model.glare", size: 1_048_577)]),
        .fileChunk(name: "model.glare", data: Data(repeating: 0xAB, count: 300), offset: 262_144, isLast: true),
        .models([
            ModelEntry(
                name: "ferg-full", jobId: 17, path: "/var/lib/glare/jobs/17/results/model.glare",
                createdAt: 1_700_000_900, accuracy: 0.94),
            ModelEntry(name: "model-3", jobId: 3, path: "/x", createdAt: 1),
        ]),
        .status(
            StatusReport(
                counts: [.queued: 3, .running: 1, .failed: 0], draining: true, version: "0.1.0",
                parallelism: ["train": 1, "infer": 2])),
        .batch([
            BatchItem(id: 4, job: record),
            BatchItem(id: 5, error: ErrorReply(code: .invalidState, message: "job 5 is succeeded")),
        ]),
    ]
}
