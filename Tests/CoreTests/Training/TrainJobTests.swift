import Foundation
import Testing

@testable import Core

@Suite("Train and evaluate jobs")
struct TrainJobTests {
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var storedEvents: [ProgressEvent] = []
        private var storedLines: [String] = []
        var events: [ProgressEvent] { lock.withLock { storedEvents } }
        var lines: [String] { lock.withLock { storedLines } }
        func record(_ event: ProgressEvent) { lock.withLock { storedEvents.append(event) } }
        func record(line: String) { lock.withLock { storedLines.append(line) } }
    }

    static func context(
        in folder: URL, recorder: Recorder, stop: @escaping @Sendable () -> Bool = { false }
    ) -> JobContext {
        JobContext(
            jobId: 1, directory: JobDirectory(url: folder),
            landmarkCacheDirectory: folder.appendingPathComponent("cache"),
            reportProgress: { recorder.record($0) }, stopRequested: stop, log: { recorder.record(line: $0) })
    }

    static let smallOptions = [
        "embedding": "4", "widths0": "16", "widths1": "16", "widths2": "16", "head": "16", "dropout": "0",
        "batch_size": "32", "learning_rate": "0.003",
    ]

    @Test func trainJob_onBuiltinSynthetic_writesModelMetricsAndHistory_thenEvaluateJobReadsTheModel() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let recorder = Recorder()
        let spec = JobSpec(
            kind: .train, dataset: "builtin:synthetic?samples=240&seed=3&difficulty=easy", epochs: 2,
            variant: "regions", options: Self.smallOptions)
        let outcome = try TrainJob.run(spec, context: Self.context(in: folder, recorder: recorder))

        #expect(outcome.state == .succeeded)
        #expect(outcome.summary["epochs"] == 2 && outcome.summary["samples"] == 240)
        #expect(outcome.summary["test_accuracy"].map { (0...1).contains($0) } == true)
        let directory = JobDirectory(url: folder)
        let metrics =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: directory.results.appendingPathComponent("metrics.json"))) as? [String: Any]
        let test = metrics?["test"] as? [String: Any]
        #expect(test?["count"] as? Int == Int(outcome.summary["test_samples"] ?? -1))
        let history =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: directory.results.appendingPathComponent("history.json"))) as? [String: Any]
        #expect((history?["epochs"] as? [[String: Any]])?.count == 2)
        #expect(recorder.events.filter { $0.phase == "epoch" }.count == 2)
        let testSamples = Int(outcome.summary["test_samples"] ?? -1)
        let lastTrainingEvent = recorder.events.last
        #expect(lastTrainingEvent?.phase == "evaluating")
        #expect(lastTrainingEvent?.done == testSamples && lastTrainingEvent?.total == testSamples)

        let model = try GlareModel.load(contentsOf: directory.model)
        #expect(model.configuration.variant == .regions && model.classNames.count == 8)
        #expect(
            !FileManager.default.fileExists(atPath: directory.checkpoints.path),
            "a succeeded job has no use for its checkpoint")

        // What `list`, `show` and `--follow` show of a finished evaluation: all samples done, and the figures in the log.
        let evaluationFolder = folder.appendingPathComponent("evaluate")
        let evaluationRecorder = Recorder()
        let evaluation = try EvaluateJob.run(
            JobSpec(
                kind: .evaluate, dataset: "builtin:synthetic?samples=40&seed=9&difficulty=easy",
                modelPath: directory.model.path),
            context: Self.context(in: evaluationFolder, recorder: evaluationRecorder))
        #expect(evaluation.state == .succeeded && evaluation.summary["samples"] == 40)
        let lastEvaluationEvent = evaluationRecorder.events.last
        #expect(lastEvaluationEvent?.phase == "evaluating")
        #expect(lastEvaluationEvent?.done == 40 && lastEvaluationEvent?.total == 40)
        let figures = String(
            format: "accuracy %.4f, macro F1 %.4f on 40 samples", evaluation.summary["accuracy"] ?? -1,
            evaluation.summary["macro_f1"] ?? -1)
        #expect(evaluationRecorder.lines.last == figures)
        let csv = try String(
            contentsOf: evaluationFolder.appendingPathComponent("results/predictions.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 41)
        #expect(
            FileManager.default.fileExists(
                atPath: evaluationFolder.appendingPathComponent("results/predictions.json").path))
    }

    /// A zero accuracy for an empty test split was once written and would have been plotted as one.
    @Test func trainJob_withoutTestSamples_writesNoTestFigures_andEvaluateRefusesAnEmptyDataset() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = Self.smallOptions
        options["test_fraction"] = "0"
        let spec = JobSpec(
            kind: .train, dataset: "builtin:synthetic?samples=80&seed=3&difficulty=easy", epochs: 1, options: options)

        let outcome = try TrainJob.run(spec, context: Self.context(in: folder, recorder: Recorder()))

        #expect(outcome.state == .succeeded && outcome.summary["test_samples"] == 0)
        #expect(outcome.summary["test_accuracy"] == nil && outcome.summary["test_macro_f1"] == nil)
        let directory = JobDirectory(url: folder)
        let metrics =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: directory.results.appendingPathComponent("metrics.json"))) as? [String: Any]
        #expect(metrics?["test"] == nil && metrics?["testLoss"] == nil && metrics?["samples"] != nil)

        let empty = folder.appendingPathComponent("empty.csv")
        let header = ["label"] + (0..<68).map { "x_\($0)" } + (0..<68).map { "y_\($0)" }
        try (header.joined(separator: ",") + "\n").write(to: empty, atomically: true, encoding: .utf8)
        #expect(throws: JobInputError.self) {
            try EvaluateJob.run(
                JobSpec(kind: .evaluate, dataset: "landmarks:\(empty.path)", modelPath: directory.model.path),
                context: Self.context(in: folder.appendingPathComponent("evaluate"), recorder: Recorder()))
        }
    }

    /// A run that stopped early said so only in history.json; a user reading the log thought
    /// training had broken.
    @Test func trainJob_thatStopsEarly_saysSoInItsLog() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = Self.smallOptions
        // A learning rate too small to change the validation F1, so the first epoch stays the best.
        (options["learning_rate"], options["patience"], options["schedule"]) = ("1e-9", "2", "constant")
        let recorder = Recorder()
        let spec = JobSpec(kind: .train, dataset: "builtin:synthetic?samples=120&seed=3", epochs: 10, options: options)

        let outcome = try TrainJob.run(spec, context: Self.context(in: folder, recorder: recorder))

        #expect(outcome.summary["stopped_early"] == 1 && outcome.summary["epochs"].map { $0 < 10 } == true)
        let line = recorder.lines.first { $0.hasPrefix("stopped early after") }
        #expect(
            line?.contains("of 10 epochs") == true && line?.contains("did not improve for 2") == true,
            "\(recorder.lines)")
    }

    @Test func trainJob_whenStopIsRequested_returnsInterruptedAndLeavesACheckpoint() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = JobSpec(
            kind: .train, dataset: "builtin:synthetic?samples=120&seed=3", epochs: 3, options: Self.smallOptions)
        let outcome = try TrainJob.run(spec, context: Self.context(in: folder, recorder: Recorder(), stop: { true }))
        #expect(outcome.state == .interrupted)
        // A cancel stops training the same way as a shutdown, so the reason must not promise that the job resumes.
        #expect(outcome.reason?.contains("resume") == false)
        #expect(FileManager.default.fileExists(atPath: JobDirectory(url: folder).lastCheckpoint.path))
        #expect(!FileManager.default.fileExists(atPath: JobDirectory(url: folder).model.path))
    }

    @Test func trainOptions_whenAKeyIsUnknown_failsNamingIt() {
        #expect {
            try TrainOptions(variant: nil, epochs: nil, options: ["learning_rat": "0.1"])
        } throws: { error in
            guard case ModelConfigurationError.unknownOption(let key, _) = error else { return false }
            return key == "learning_rat"
        }
    }

    @Test func trainOptions_whenAValueIsBad_failsNamingTheKey() {
        #expect(throws: ModelConfigurationError.self) {
            try TrainOptions(variant: nil, epochs: nil, options: ["dropout": "1.5"])
        }
        #expect(throws: ModelConfigurationError.self) {
            try TrainOptions(variant: "everything", epochs: nil, options: [:])
        }
    }

    /// Sizes no machine could hold made the worker die allocating them (a batch of 10^12 asked
    /// for 800 TB) instead of being refused at submit with the option's name.
    @Test func trainOptions_whenASizeIsAbsurd_failsNamingTheKey() {
        let absurd = [
            "batch_size": "999999999999", "widths0": "100000", "head": "100000", "embedding": "100000",
            "heads": "100000", "threads": "1000",
            "widths1": Array(repeating: "64", count: TrainOptions.maximumLayers + 1).joined(separator: ","),
        ]
        for (key, value) in absurd {
            #expect {
                try TrainOptions(variant: nil, epochs: nil, options: [key: value])
            } throws: { error in
                guard case ModelConfigurationError.badValue(let named, _, _) = error else { return false }
                return named == key
            }
        }
        // The largest sizes allowed are taken.
        #expect(throws: Never.self) {
            try TrainOptions(
                variant: nil, epochs: nil,
                options: ["batch_size": "65536", "widths0": "4096", "embedding": "4096", "threads": "256"])
        }
    }

    /// `full-gat` was refused ("the GAT convolution is not built yet") and `topology=delaunay`
    /// unknown before the attention convolution and the triangulation existed.
    @Test func trainOptions_withTheGATVariantAndTheDelaunayTopology_areAccepted() throws {
        let defaults = try TrainOptions(variant: "full-gat", epochs: nil, options: [:])
        #expect(defaults.model.variant == .full && defaults.model.convolution == .gat)
        #expect(defaults.model.attention == ModelConfiguration.Attention())

        let options = try TrainOptions(
            variant: "full-gat", epochs: nil,
            options: ["topology": "delaunay", "heads": "2", "head_combination": "average", "attention_slope": "0.1"])
        #expect(options.model.topology == .delaunay)
        #expect(options.model.attention.heads == 2 && options.model.attention.headCombination == .average)
        #expect(options.model.attention.negativeSlope == 0.1)
    }

    /// Concatenated heads split each width evenly; three heads cannot split the default 64.
    @Test func trainOptions_whenHeadsDoNotDivideAWidth_failNamingTheLevel() {
        #expect(
            throws: ModelConfigurationError.invalid("level 0 width 64 is not a multiple of 3 concatenated heads")
        ) {
            try TrainOptions(variant: "full-gat", epochs: nil, options: ["heads": "3"])
        }
        #expect(throws: ModelConfigurationError.self) {
            try TrainOptions(variant: "full-gat", epochs: nil, options: ["topology": "voronoi"])
        }
    }

    @Test func trainJob_withFullGATOnTheDelaunayTopology_writesAModelThatRecordsBoth() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = Self.smallOptions
        options["topology"] = "delaunay"
        options["heads"] = "2"
        let spec = JobSpec(
            kind: .train, dataset: "builtin:synthetic?samples=120&seed=3&difficulty=easy", epochs: 1,
            variant: "full-gat", options: options)
        let outcome = try TrainJob.run(spec, context: Self.context(in: folder, recorder: Recorder()))

        #expect(outcome.state == .succeeded, "\(outcome)")
        let model = try GlareModel.load(contentsOf: JobDirectory(url: folder).model)
        #expect(model.configuration.convolution == .gat && model.configuration.attention.heads == 2)
        #expect(model.configuration.topology == .delaunay)
    }

    @Test func trainOptions_readVariantEpochsAndEveryChoice() throws {
        let options = try TrainOptions(
            variant: "landmarks", epochs: 7,
            options: [
                "optimizer": "adamw", "schedule": "plateau", "clip": "0", "patience": "0", "widths0": "8,8",
                "normalization": "interOcular", "topology": "anatomical", "activation": "elu",
            ])
        #expect(options.model.variant == .landmarks && options.training.epochs == 7)
        #expect(options.training.optimizer.kind == .adamw && options.training.schedule == .plateau)
        #expect(options.training.gradientClipNorm == nil && options.training.earlyStoppingPatience == nil)
        #expect(options.model.levelWidths[0] == [8, 8] && options.model.normalization == .interOcular)
        #expect(options.model.topology == .anatomical && options.model.activation == .elu)
    }
}
