import Foundation
import Testing

@testable import Core

@Suite("Trainer: seeds, checkpoints, resumption, stopping")
struct TrainerTests {
    let data = TrainingTestSupport.synthetic(samples: 160, seed: 41)

    func makeTrainer(epochs: Int = 4, seed: UInt64 = 3, initialSeed: UInt64 = 9) throws -> Trainer {
        let parts = StratifiedSplit.split(labels: data.labels, fractions: [0.25], seed: 1)
        var configuration = TrainingTestSupport.tinyConfiguration()
        configuration.dropout = 0.2
        var generator = Core.SeededGenerator(seed: initialSeed)
        let network = try GlareNetwork(
            configuration: configuration, classCount: data.classNames.count, generator: &generator)
        var training = TrainingTestSupport.quickTraining(epochs: epochs, seed: seed)
        training.schedule = .plateau
        training.plateauPatience = 1
        training.earlyStoppingPatience = 3
        return Trainer(
            network: network, configuration: training, trainingSet: data.subset(parts[0]),
            validationSet: data.subset(parts[1]))
    }

    /// The batch buffers are sized by the batch, so a batch of 2^40 asked for a set of 120
    /// samples made the worker die allocating 800 TB; the batch is never larger than the set.
    @Test func batchSizeFarAboveTheTrainingSet_trainsOnBatchesOfTheWholeSet() throws {
        var configuration = TrainingTestSupport.tinyConfiguration()
        configuration.dropout = 0
        let parts = StratifiedSplit.split(labels: data.labels, fractions: [0.25], seed: 1)
        func trainedWeights(batchSize: Int) throws -> [Float] {
            var generator = Core.SeededGenerator(seed: 9)
            let network = try GlareNetwork(
                configuration: configuration, classCount: data.classNames.count, generator: &generator)
            var training = TrainingTestSupport.quickTraining(epochs: 1, seed: 3)
            training.batchSize = batchSize
            let trainer = Trainer(
                network: network, configuration: training, trainingSet: data.subset(parts[0]),
                validationSet: data.subset(parts[1]))
            _ = try trainer.run()
            return TrainingTestSupport.weights(trainer.network)
        }

        let huge = try trainedWeights(batchSize: 1 << 40)

        #expect(huge == (try trainedWeights(batchSize: data.subset(parts[0]).count)))
    }

    @Test func sameSeed_givesTheSameModelBitForBit() throws {
        let first = try makeTrainer()
        let second = try makeTrainer()
        _ = try first.run()
        _ = try second.run()
        #expect(TrainingTestSupport.weights(first.network) == TrainingTestSupport.weights(second.network))
    }

    @Test func differentSeed_givesADifferentModel() throws {
        let first = try makeTrainer(seed: 3)
        let second = try makeTrainer(seed: 4)
        _ = try first.run()
        _ = try second.run()
        #expect(TrainingTestSupport.weights(first.network) != TrainingTestSupport.weights(second.network))
    }

    @Test func resumedRun_equalsAnUnbrokenRun() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let unbroken = try makeTrainer()
        let unbrokenResult = try unbroken.run(checkpoint: folder.appendingPathComponent("a.ckpt"))

        // Stop in the middle of epoch 3: the checkpoint holds epoch 2's end.
        let checkpoint = folder.appendingPathComponent("b.ckpt")
        let interrupted = try makeTrainer()
        var epochsSeen = 0
        var batchesAfterSecondEpoch = 0
        let partial = try interrupted.run(
            checkpoint: checkpoint, progress: { _ in epochsSeen += 1 },
            stopRequested: {
                if epochsSeen >= 2 { batchesAfterSecondEpoch += 1 }
                return batchesAfterSecondEpoch > 2
            })
        #expect(partial.outcome == .interrupted && partial.history.count == 2)

        // A new process: fresh weights from another seed, everything else from the checkpoint.
        let resumed = try makeTrainer(initialSeed: 12345)
        var resumedEvents: [ProgressEvent] = []
        let resumedResult = try resumed.run(checkpoint: checkpoint, progress: { resumedEvents.append($0) })
        #expect(resumedResult.outcome == .completed)
        #expect(resumedEvents.map(\.done) == Array(3...unbrokenResult.history.count).map { Optional($0) })
        #expect(TrainingTestSupport.weights(resumed.network) == TrainingTestSupport.weights(unbroken.network))
        let withoutTimes = { (records: [EpochRecord]) in
            records.map { record -> EpochRecord in
                var copy = record
                copy.seconds = 0
                return copy
            }
        }
        #expect(withoutTimes(resumedResult.history) == withoutTimes(unbrokenResult.history))
    }

    @Test func run_reportsAnEpochEventWithTheNamedMetricsAfterEveryEpoch() throws {
        var events: [ProgressEvent] = []
        let result = try makeTrainer(epochs: 2).run(progress: { events.append($0) })
        #expect(events.count == result.history.count)
        for (index, event) in events.enumerated() {
            #expect(event.phase == "epoch" && event.done == index + 1 && event.total == 2)
            for key in ["loss", "accuracy", "validation_accuracy", "validation_macro_f1", "seconds", "eta_seconds"] {
                #expect(event.metrics[key] != nil, "metric \(key) missing from \(event.metrics)")
            }
        }
    }

    @Test func checkpoint_ofAnotherConfiguration_isRefused() throws {
        let folder = try TrainingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpoint = folder.appendingPathComponent("c.ckpt")
        _ = try makeTrainer(epochs: 1).run(checkpoint: checkpoint)
        #expect(throws: ModelFileError.self) { try makeTrainer(epochs: 2).run(checkpoint: checkpoint) }
    }

    @Test func split_isStratifiedAndCoversEverySampleOnce() {
        let labels = (0..<100).map { $0 % 4 }
        let parts = StratifiedSplit.split(labels: labels, fractions: [0.2, 0.2], seed: 7)
        #expect(parts.flatMap { $0 }.sorted() == Array(0..<100))
        for part in parts[1...] {
            let counts = (0..<4).map { label in part.filter { labels[$0] == label }.count }
            #expect(counts == [5, 5, 5, 5], "class counts \(counts) in a 20 % part")
        }
        #expect(StratifiedSplit.split(labels: labels, fractions: [0.2, 0.2], seed: 7) == parts)
    }

    @Test func cosineSchedule_fallsFromTheBaseRateToTheFloor() {
        var training = TrainingConfiguration()
        training.epochs = 10
        training.learningRate = 1e-2
        training.minimumLearningRate = 1e-4
        let schedule = LearningRateSchedule(configuration: training)
        expectClose(schedule.rate(epoch: 0), 1e-2, tolerance: 1e-9, "epoch 0")
        expectClose(schedule.rate(epoch: 5), (1e-2 + 1e-4) / 2, tolerance: 1e-7, "epoch 5 of 10")
        #expect((1..<10).allSatisfy { schedule.rate(epoch: $0) < schedule.rate(epoch: $0 - 1) })
    }

    @Test func clipGradients_scalesToTheGlobalNorm() {
        let first = Parameter(name: "a", value: Tensor(shape: [2]))
        let second = Parameter(name: "b", value: Tensor(shape: [1]))
        first.gradient[0] = 3
        first.gradient[1] = 0
        second.gradient[0] = 4
        let norm = Optimizer.clipGradients(of: [first, second], maximumNorm: 1)
        expectClose(norm, 5, tolerance: 1e-6, "gradients (3, 0), (4)")
        expectAllClose(
            first.gradient.values + second.gradient.values, [0.6, 0, 0.8], tolerance: 1e-6, "clipped to norm 1")
    }
}
