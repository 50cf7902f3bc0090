import Foundation

/// Runs an `extract` job: reads a dataset's images into the owner's landmark cache, so that later
/// training and evaluation jobs on the same dataset start at once.
///
/// Writes `results/extraction.json` (`ExtractionResult`: the counts, the dropped items with their
/// reasons, the samples per split) and reports `extracting` progress while it works. The summary
/// carries `samples`, `dropped`, `files`, `from_cache`, `extracted`.
public enum ExtractJob {
    /// Runs `spec` in `context` and says how it ended. Throws only for errors that fail the job;
    /// the worker turns a thrown error into a `failed` outcome with the error's description.
    public static func run(_ spec: JobSpec, context: JobContext) throws -> WorkerOutcome {
        try run(
            spec, context: context, extractorVersion: FaceLandmarker.extractorVersion,
            makeExtractor: { try FaceLandmarker() })
    }

    /// Runs `spec` with the given extractor (tests inject one that needs no dlib).
    static func run(
        _ spec: JobSpec, context: JobContext, extractorVersion: String,
        makeExtractor: @escaping LandmarkExtractorFactory
    ) throws -> WorkerOutcome {
        guard let datasetText = spec.dataset else { throw RunnerInputError.missingDataset(kind: spec.kind) }
        let datasetSpec = try DatasetSpec(parsing: datasetText)
        context.reportProgress(
            ProgressEvent(phase: "loading", time: Date().timeIntervalSince1970, message: "reading \(datasetText)"))

        let report: DatasetLoadReport
        do {
            report = try DatasetLoader.loadWithReport(
                datasetSpec, cacheDirectory: context.landmarkCacheDirectory, extractorVersion: extractorVersion,
                makeExtractor: makeExtractor, stopRequested: context.stopRequested, progress: context.reportProgress)
        } catch DatasetLoadError.stopped {
            context.log("extraction stopped on request; what was extracted is cached")
            return WorkerOutcome(state: .interrupted, reason: DatasetLoadError.stopped.description)
        }
        context.log(report.summaryLine)

        let result = ExtractionResult(dataset: datasetSpec.description, report: report)
        try ResultFileWriter.writeJSON(result, to: context.directory.results.appendingPathComponent("extraction.json"))
        return WorkerOutcome(state: .succeeded, summary: report.metrics)
    }
}
