import Foundation

/// Runs an `evaluate` job: loads the model file and the dataset, and writes `results/metrics.json`,
/// `results/predictions.csv` and `results/predictions.json`.
public enum EvaluateJob {
    /// Runs `spec` in `context` and says how it ended. Throws only for errors that fail the job;
    /// the worker turns a thrown error into a `failed` outcome with the error's description.
    public static func run(_ spec: JobSpec, context: JobContext) throws -> WorkerOutcome {
        guard let modelPath = spec.modelPath ?? spec.model else {
            throw JobInputError.missing("an evaluate job needs a model")
        }
        guard let datasetText = spec.dataset else { throw JobInputError.missing("an evaluate job needs a dataset") }
        let model = try GlareModel.load(contentsOf: URL(fileURLWithPath: modelPath))
        if let threads = try readOptions(spec.options) { try ComputeThreads.set(threads) }

        context.reportProgress(
            ProgressEvent(phase: "loading", time: Date().timeIntervalSince1970, message: datasetText))
        var dataset = try DatasetLoader.load(
            DatasetSpec(parsing: datasetText), cacheDirectory: context.landmarkCacheDirectory,
            progress: context.reportProgress)
        guard dataset.count > 0 else {
            throw JobInputError.missing("the dataset has no usable samples (\(dataset.dropped.count) dropped)")
        }
        let labels = try mapLabels(dataset, onto: model.classNames)
        dataset.labels = labels

        context.reportProgress(
            ProgressEvent(phase: "evaluating", time: Date().timeIntervalSince1970, done: 0, total: dataset.count))
        model.configuration.normalization.apply(to: &dataset.landmarks, count: dataset.count)
        let evaluation = try ModelEvaluation(
            network: model.network,
            normalizedDataset: LandmarkDataset(
                classNames: model.classNames, landmarks: dataset.landmarks, labels: labels, sources: dataset.sources))

        let results = context.directory.results
        try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
        let report = TrainingReport(
            test: evaluation.metrics, testLoss: evaluation.loss, samples: ["samples": Double(dataset.count)],
            dropped: DroppedSummary(dataset.dropped))
        try writeResults(report, evaluation, dataset: dataset, classNames: model.classNames, to: results)

        // The last event is what `list`, `show` and `--follow` keep showing once the job has ended, and the
        // log line is the answer someone following the job waits for.
        context.reportProgress(
            ProgressEvent(
                phase: "evaluating", time: Date().timeIntervalSince1970, done: dataset.count, total: dataset.count))
        context.log(
            String(
                format: "accuracy %.4f, macro F1 %.4f on %d samples", evaluation.metrics.accuracy,
                evaluation.metrics.macroF1, dataset.count))

        return WorkerOutcome(
            state: .succeeded,
            summary: [
                "accuracy": evaluation.metrics.accuracy, "macro_f1": evaluation.metrics.macroF1,
                "samples": Double(dataset.count), "dropped": Double(dataset.dropped.count),
            ])
    }

    /// The options an evaluate job takes.
    static let knownOptions = ["threads"]

    /// The `threads` option, if given; refuses unknown options and bad values (also at submit).
    static func readOptions(_ options: [String: String]) throws(RunnerInputError) -> Int? {
        for key in options.keys.sorted() where !knownOptions.contains(key) {
            throw .unknownOption(kind: .evaluate, option: key, known: knownOptions)
        }
        guard let text = options["threads"] else { return nil }
        guard let threads = Int(text), (1...256).contains(threads) else {
            throw .badOptionValue(option: "threads", value: text, expected: "a whole number from 1 to 256")
        }
        return threads
    }

    /// The dataset's labels as indices into the model's class names; a class the model does not
    /// know is an error naming it.
    static func mapLabels(_ dataset: LandmarkDataset, onto classNames: [String]) throws -> [Int] {
        let modelIndex = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        var mapping: [Int] = []
        for name in dataset.classNames {
            guard let index = modelIndex[name] else {
                throw JobInputError.missing(
                    "the dataset's class '\(name)' is not one of the model's: \(classNames.joined(separator: ", "))")
            }
            mapping.append(index)
        }
        return dataset.labels.map { mapping[$0] }
    }

    private struct PredictionRecord: Codable {
        var source: String
        var label: String
        var prediction: String
        var probabilities: [String: Float]
    }

    /// `metrics.json`, `predictions.csv` and `predictions.json`, durably, with one folder flush.
    private static func writeResults(
        _ report: TrainingReport, _ evaluation: ModelEvaluation, dataset: LandmarkDataset, classNames: [String],
        to folder: URL
    ) throws {
        let classes = classNames.count
        var csv = "source,label,prediction," + classNames.map { "p_" + $0 }.joined(separator: ",") + "\n"
        var records: [PredictionRecord] = []
        for sample in 0..<dataset.count {
            let row = Array(evaluation.probabilities[sample * classes..<(sample + 1) * classes])
            let label = classNames[dataset.labels[sample]]
            let prediction = classNames[evaluation.predictions[sample]]
            let source = dataset.sources[sample]
            let quoted = "\"" + source.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            csv += "\(quoted),\(label),\(prediction)," + row.map { String($0) }.joined(separator: ",") + "\n"
            records.append(
                PredictionRecord(
                    source: source, label: label, prediction: prediction,
                    probabilities: Dictionary(uniqueKeysWithValues: zip(classNames, row))))
        }
        try ResultFileWriter.write([
            (ResultFileWriter.json(report), folder.appendingPathComponent("metrics.json")),
            (Data(csv.utf8), folder.appendingPathComponent("predictions.csv")),
            (ResultFileWriter.json(records), folder.appendingPathComponent("predictions.json")),
        ])
    }
}
