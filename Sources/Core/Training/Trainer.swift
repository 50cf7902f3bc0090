import Foundation

/// Trains a `GlareNetwork`: seeded shuffles, augmentation and dropout, Adam or AdamW, a learning-rate
/// schedule, gradient clipping, early stopping on validation macro F1, a checkpoint after every
/// epoch and resumption from it.
///
/// With one thread, the same seed gives the same model, and a run resumed from any epoch's
/// checkpoint gives the same model as a run that was never stopped: the checkpoint holds the weights,
/// running statistics, the optimiser's moments and step, the random generator's state, the schedule,
/// the early-stopping counters, the history and the best weights.
public final class Trainer {
    /// How a run ended.
    public enum Outcome: String, Sendable {
        /// All epochs ran, or early stopping ended the run.
        case completed
        /// The stop flag was raised; the checkpoint of the last completed epoch is on disk.
        case interrupted
    }

    /// What a run returns.
    public struct Result: Sendable {
        /// How it ended.
        public var outcome: Outcome
        /// One record per completed epoch.
        public var history: [EpochRecord]
        /// The epoch whose weights the network holds after a completed run (1-based).
        public var bestEpoch: Int
        /// Whether early stopping ended the run.
        public var stoppedEarly: Bool
    }

    /// The network trained in place; after a completed run it holds the best validation weights.
    public let network: GlareNetwork
    /// The settings.
    public let configuration: TrainingConfiguration
    private let trainingSet: LandmarkDataset
    private let validationSet: LandmarkDataset
    private let optimizer: Optimizer
    private let loss: SoftmaxCrossEntropy

    /// Prepares a run on normalised `trainingSet`, validating on normalised `validationSet` (may be empty).
    public init(
        network: GlareNetwork, configuration: TrainingConfiguration, trainingSet: LandmarkDataset,
        validationSet: LandmarkDataset
    ) {
        precondition(trainingSet.count > 0, "nothing to train on")
        self.network = network
        self.configuration = configuration
        self.trainingSet = trainingSet
        self.validationSet = validationSet
        optimizer = Optimizer(parameters: network.parameters, settings: configuration.optimizer)
        loss = SoftmaxCrossEntropy(classWeights: configuration.classWeights)
    }

    /// Trains, resuming from `checkpoint` when that file exists and writing it after every epoch.
    /// `progress` gets an `epoch` event after every epoch; `stopRequested` is checked between batches.
    public func run(
        checkpoint: URL? = nil, progress: (ProgressEvent) -> Void = { _ in }, stopRequested: () -> Bool = { false }
    ) throws -> Result {
        var state = TrainingState(
            generator: SeededGenerator(seed: configuration.seed ^ 0x5452_4149_4E49_4E47),
            schedule: LearningRateSchedule(configuration: configuration))
        var bestWeights: [(name: String, values: [Float])] = []
        if let checkpoint, FileManager.default.fileExists(atPath: checkpoint.path) {
            (state, bestWeights) = try TrainingCheckpoint.read(
                from: checkpoint, training: configuration, network: network, optimizer: optimizer)
        } else if let checkpoint {
            try save(state, bestWeights: bestWeights, to: checkpoint)
        }

        var context = LayerContext(training: true, generator: state.generator)
        // The buffers below are sized by the batch: never larger than the set it cuts.
        let batchSize = max(1, min(configuration.batchSize, trainingSet.count))
        var batchValues = [Float](repeating: 0, count: batchSize * LandmarkDataset.valuesPerSample)
        let input = Tensor(shape: [batchSize, LandmarkDataset.landmarkCount, 3])
        var labels = [Int](repeating: 0, count: batchSize)

        while !state.finished && state.epochsDone < configuration.epochs {
            let started = Date()
            let learningRate = state.schedule.rate(epoch: state.epochsDone)
            var order = Array(0..<trainingSet.count)
            order.shuffle(using: &context.generator)
            var lossSum: Double = 0
            var correct = 0
            var normSum: Double = 0
            var batches = 0

            var start = 0
            while start < order.count {
                if stopRequested() {
                    return Result(
                        outcome: .interrupted, history: state.history, bestEpoch: state.bestEpoch, stoppedEarly: false)
                }
                let size = min(batchSize, order.count - start)
                gather(order[start..<start + size], into: &batchValues, labels: &labels)
                configuration.augmentation.apply(to: &batchValues, count: size, generator: &context.generator)
                input.resize([size, LandmarkDataset.landmarkCount, 3])
                batchValues.withUnsafeBufferPointer { input.pointer.update(from: $0.baseAddress!, count: input.count) }

                let logits = try network.forward(input, context: &context)
                let (batchLoss, gradient) = loss.evaluate(logits: logits, labels: labels[0..<size])
                correct += Self.correctCount(logits: logits, labels: labels[0..<size])
                try network.backward(gradient)
                let norm =
                    Optimizer.clipGradients(
                        of: optimizer.parameters, maximumNorm: configuration.gradientClipNorm ?? .infinity)
                optimizer.update(learningRate: learningRate)

                lossSum += Double(batchLoss) * Double(size)
                normSum += Double(norm)
                batches += 1
                start += size
            }

            var record = EpochRecord(
                epoch: state.epochsDone + 1, learningRate: Double(learningRate), loss: lossSum / Double(order.count),
                accuracy: Double(correct) / Double(order.count), gradientNorm: normSum / Double(max(batches, 1)),
                seconds: 0)
            if validationSet.count > 0 {
                let evaluation = try ModelEvaluation(network: network, normalizedDataset: validationSet)
                record.validationLoss = evaluation.loss
                record.validationAccuracy = evaluation.metrics.accuracy
                record.validationMacroF1 = evaluation.metrics.macroF1
                state.schedule.record(score: evaluation.metrics.macroF1)
                if evaluation.metrics.macroF1 > state.bestScore ?? -Double.infinity {
                    state.bestScore = evaluation.metrics.macroF1
                    state.bestEpoch = record.epoch
                    state.epochsWithoutImprovement = 0
                    bestWeights = network.namedTensors.map { ($0.name, $0.tensor.values) }
                } else {
                    state.epochsWithoutImprovement += 1
                }
            } else {
                state.bestEpoch = record.epoch
            }
            record.seconds = Date().timeIntervalSince(started)
            state.history.append(record)
            state.epochsDone += 1
            state.generator = context.generator
            state.optimizerStep = optimizer.step
            if let patience = configuration.earlyStoppingPatience, state.epochsWithoutImprovement >= patience {
                state.stoppedEarly = true
            }
            state.finished = state.stoppedEarly || state.epochsDone >= configuration.epochs
            if let checkpoint { try save(state, bestWeights: bestWeights, to: checkpoint) }
            progress(event(for: record, state: state))
        }

        if !bestWeights.isEmpty { restore(bestWeights) }
        return Result(
            outcome: .completed, history: state.history, bestEpoch: state.bestEpoch, stoppedEarly: state.stoppedEarly)
    }

    private func save(_ state: TrainingState, bestWeights: [(name: String, values: [Float])], to url: URL) throws {
        try TrainingCheckpoint.write(
            to: url, state: state, training: configuration, network: network, optimizer: optimizer,
            bestWeights: bestWeights)
    }

    private func restore(_ weights: [(name: String, values: [Float])]) {
        let targets = Dictionary(uniqueKeysWithValues: network.namedTensors.map { ($0.name, $0.tensor) })
        for (name, values) in weights {
            guard let target = targets[name] else { continue }
            values.withUnsafeBufferPointer { target.pointer.update(from: $0.baseAddress!, count: $0.count) }
        }
    }

    private func gather(_ indices: ArraySlice<Int>, into values: inout [Float], labels: inout [Int]) {
        let width = LandmarkDataset.valuesPerSample
        trainingSet.landmarks.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                for (position, index) in indices.enumerated() {
                    (target.baseAddress! + position * width).update(
                        from: source.baseAddress! + index * width, count: width)
                    labels[position] = trainingSet.labels[index]
                }
            }
        }
    }

    private static func correctCount(logits: Tensor, labels: ArraySlice<Int>) -> Int {
        let classes = logits.columns
        var correct = 0
        for (sample, label) in zip(0..<logits.rows, labels) {
            let row = logits.pointer + sample * classes
            var best = 0
            for index in 1..<classes where row[index] > row[best] { best = index }
            if best == label { correct += 1 }
        }
        return correct
    }

    private func event(for record: EpochRecord, state: TrainingState) -> ProgressEvent {
        let meanSeconds = state.history.map(\.seconds).reduce(0, +) / Double(state.history.count)
        var metrics: [String: Double] = [
            "loss": record.loss, "accuracy": record.accuracy, "seconds": record.seconds,
            "eta_seconds": state.finished ? 0 : meanSeconds * Double(configuration.epochs - state.epochsDone),
            "learning_rate": record.learningRate,
        ]
        metrics["validation_accuracy"] = record.validationAccuracy
        metrics["validation_macro_f1"] = record.validationMacroF1
        metrics["validation_loss"] = record.validationLoss
        return ProgressEvent(
            phase: "epoch", time: Date().timeIntervalSince1970, done: record.epoch, total: configuration.epochs,
            metrics: metrics, message: state.stoppedEarly ? "early stop: no better validation macro F1" : nil)
    }
}
