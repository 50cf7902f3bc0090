import Foundation

/// Runs a `train` job.
///
/// It loads the dataset, normalises it as the model configuration says, splits it (the dataset's own
/// splits when it has them, else a seeded stratified split), trains with a checkpoint after every
/// epoch (resuming from `checkpoints/last.ckpt` when it exists), and writes `results/model.glare`,
/// `results/metrics.json` (test-split figures and dropped inputs) and `results/history.json`
/// (one record per epoch).
public enum TrainJob {
    /// Runs `spec` in `context` and says how it ended. Throws only for errors that fail the job;
    /// the worker turns a thrown error into a `failed` outcome with the error's description.
    public static func run(_ spec: JobSpec, context: JobContext) throws -> WorkerOutcome {
        let started = Date()
        guard let datasetText = spec.dataset else { throw JobInputError.missing("a train job needs a dataset") }
        var options = try TrainOptions(variant: spec.variant, epochs: spec.epochs, options: spec.options)
        if let threads = options.threads { try ComputeThreads.set(threads) }

        context.reportProgress(
            ProgressEvent(phase: "loading", time: Date().timeIntervalSince1970, message: datasetText))
        var dataset = try DatasetLoader.load(
            DatasetSpec(parsing: datasetText), cacheDirectory: context.landmarkCacheDirectory,
            progress: context.reportProgress)
        guard dataset.classNames.count >= 2 else {
            throw JobInputError.missing("the dataset has fewer than two classes")
        }
        options.model.normalization.apply(to: &dataset.landmarks, count: dataset.count)
        let parts = split(dataset, options: options)
        guard parts.train.count > 0 else { throw JobInputError.missing("the dataset has no training samples") }
        if options.balancesClasses { options.training.classWeights = balancedWeights(parts.train) }
        context.log(
            "training \(options.model.variant.rawValue) on \(parts.train.count) samples, validating on "
                + "\(parts.validation.count), testing on \(parts.test.count)")

        var generator = SeededGenerator(seed: options.training.seed)
        let network = try GlareNetwork(
            configuration: options.model, classCount: dataset.classNames.count, generator: &generator)
        let trainer = Trainer(
            network: network, configuration: options.training, trainingSet: parts.train, validationSet: parts.validation
        )
        let result = try trainer.run(
            checkpoint: context.directory.lastCheckpoint, progress: context.reportProgress,
            stopRequested: context.stopRequested)
        if result.outcome == .interrupted {
            return WorkerOutcome(
                state: .interrupted,
                reason: "stopped on request after \(result.history.count) epochs; its checkpoint is saved",
                summary: ["epochs": Double(result.history.count)])
        }
        if result.stoppedEarly {
            let patience = options.training.earlyStoppingPatience ?? 0
            context.log(
                "stopped early after \(result.history.count) of \(options.training.epochs) epochs: validation "
                    + "macro F1 did not improve for \(patience); the model keeps epoch \(result.bestEpoch)'s weights "
                    + "(--option patience=0 turns this off)")
        }

        // With no test samples (`test_fraction=0`) there are no test figures: a zero accuracy would be plotted.
        var test: ModelEvaluation?
        if parts.test.count > 0 {
            let testSamples = parts.test.count
            context.reportProgress(
                ProgressEvent(phase: "evaluating", time: Date().timeIntervalSince1970, done: 0, total: testSamples))
            test = try ModelEvaluation(network: network, normalizedDataset: parts.test)
            context.reportProgress(
                ProgressEvent(
                    phase: "evaluating", time: Date().timeIntervalSince1970, done: testSamples, total: testSamples))
        }
        var summary: [String: Double] = [
            "epochs": Double(result.history.count), "best_epoch": Double(result.bestEpoch),
            "samples": Double(dataset.count), "train_samples": Double(parts.train.count),
            "validation_samples": Double(parts.validation.count), "test_samples": Double(parts.test.count),
            "dropped": Double(dataset.dropped.count), "parameters": Double(network.parameterCount),
            "stopped_early": result.stoppedEarly ? 1 : 0,
        ]
        if let last = result.history.last { summary["final_train_loss"] = last.loss }
        if let test {
            summary["test_accuracy"] = test.metrics.accuracy
            summary["test_macro_f1"] = test.metrics.macroF1
        }

        let results = context.directory.results
        try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
        let model = GlareModel(network: network, classNames: dataset.classNames, trainingSummary: summary)
        try model.save(to: context.directory.model)
        let report = TrainingReport(
            test: test?.metrics, testLoss: test?.loss, samples: summary.filter { $0.key.hasSuffix("samples") },
            dropped: DroppedSummary(dataset.dropped))
        let history = TrainingHistoryFile(
            epochs: result.history, bestEpoch: result.bestEpoch, stoppedEarly: result.stoppedEarly,
            model: options.model, training: options.training, classNames: dataset.classNames)
        try ResultFileWriter.write([
            (ResultFileWriter.json(report), results.appendingPathComponent("metrics.json")),
            (ResultFileWriter.json(history), results.appendingPathComponent("history.json")),
        ])
        // The job is done: nothing resumes from its checkpoint (about four copies of the weights).
        try? FileManager.default.removeItem(at: context.directory.checkpoints)

        summary["seconds"] = Date().timeIntervalSince(started)
        if let test {
            context.log(
                String(format: "test accuracy %.4f, macro F1 %.4f", test.metrics.accuracy, test.metrics.macroF1))
        } else {
            context.log("no test samples: no test figures")
        }
        return WorkerOutcome(state: .succeeded, summary: summary)
    }

    /// The train, validation and test parts: the dataset's own splits when it defines them (a missing
    /// validation or test part is carved from the training part), else a seeded stratified split.
    static func split(
        _ dataset: LandmarkDataset, options: TrainOptions
    ) -> (
        train: LandmarkDataset, validation: LandmarkDataset, test: LandmarkDataset
    ) {
        let seed = options.training.seed
        if let splits = dataset.splits {
            var train = splits.indices.filter { splits[$0] == .train }
            var validation = splits.indices.filter { splits[$0] == .validation }
            var test = splits.indices.filter { splits[$0] == .test }
            let carve = [
                validation.isEmpty ? options.training.validationFraction : 0, test.isEmpty ? options.testFraction : 0,
            ]
            let parts = StratifiedSplit.split(labels: train.map { dataset.labels[$0] }, fractions: carve, seed: seed)
            let trainIndices = train
            if validation.isEmpty { validation = parts[1].map { trainIndices[$0] } }
            if test.isEmpty { test = parts[2].map { trainIndices[$0] } }
            train = parts[0].map { trainIndices[$0] }
            return (dataset.subset(train), dataset.subset(validation), dataset.subset(test))
        }
        let parts = StratifiedSplit.split(
            labels: dataset.labels, fractions: [options.training.validationFraction, options.testFraction], seed: seed)
        return (dataset.subset(parts[0]), dataset.subset(parts[1]), dataset.subset(parts[2]))
    }

    /// Inverse-frequency weights scaled to mean 1 over the classes that occur.
    static func balancedWeights(_ dataset: LandmarkDataset) -> [Float] {
        var counts = [Int](repeating: 0, count: dataset.classNames.count)
        for label in dataset.labels { counts[label] += 1 }
        let present = counts.filter { $0 > 0 }.count
        return counts.map { $0 > 0 ? Float(dataset.count) / Float(present * $0) : 0 }
    }
}

/// `results/metrics.json` of a train or evaluate job.
struct TrainingReport: Codable {
    /// Figures on the test split (or the evaluated dataset); absent when the test split is empty.
    var test: ClassificationMetrics?
    /// Mean cross-entropy there; absent with `test`.
    var testLoss: Double?
    /// Sample counts.
    var samples: [String: Double]
    /// Inputs the reader could not use.
    var dropped: DroppedSummary
}

/// Counts of dropped inputs, in total and by reason.
struct DroppedSummary: Codable {
    /// All dropped inputs.
    var count: Int
    /// By reason (the part of the reason before any colon).
    var byReason: [String: Int]

    init(_ items: [DroppedItem]) {
        count = items.count
        byReason = Dictionary(grouping: items) { String($0.reason.split(separator: ":").first ?? "") }.mapValues(
            \.count)
    }
}

/// `results/history.json`: every epoch's figures and the settings that produced them.
struct TrainingHistoryFile: Codable {
    /// One record per epoch.
    var epochs: [EpochRecord]
    /// The epoch whose weights the model holds.
    var bestEpoch: Int
    /// Whether early stopping ended training.
    var stoppedEarly: Bool
    /// The architecture.
    var model: ModelConfiguration
    /// The training settings.
    var training: TrainingConfiguration
    /// The class names.
    var classNames: [String]
}

/// A job spec that lacks what the job needs.
public enum JobInputError: Error, Equatable, CustomStringConvertible {
    /// Something required is missing or empty.
    case missing(String)

    /// A short lower-case message.
    public var description: String {
        switch self {
        case .missing(let detail): return detail
        }
    }
}
