import Foundation

/// Everything about a training run besides the tensors, as a checkpoint stores it.
struct TrainingState: Codable, Equatable {
    /// Epochs completed.
    var epochsDone = 0
    /// The random source for shuffles, augmentation and dropout.
    var generator: SeededGenerator
    /// One record per completed epoch.
    var history: [EpochRecord] = []
    /// The best validation macro F1 so far.
    var bestScore: Double?
    /// The epoch that reached it (1-based; 0 before any).
    var bestEpoch = 0
    /// Epochs since the best.
    var epochsWithoutImprovement = 0
    /// The learning-rate schedule and its state.
    var schedule: LearningRateSchedule
    /// Adam's step count.
    var optimizerStep = 0
    /// Whether early stopping ended the run.
    var stoppedEarly = false
    /// Whether the run is over (all epochs, or stopped early).
    var finished = false
}

/// A training checkpoint: the state, the weights, the optimiser's moments and the best weights,
/// in a `TensorArchive` of type `GLARECKP`, written atomically after every epoch.
enum TrainingCheckpoint {
    static let magic = "GLARECKP"

    /// Writes the run's state to `url`.
    static func write(
        to url: URL, state: TrainingState, training: TrainingConfiguration, network: GlareNetwork,
        optimizer: Optimizer, bestWeights: [(name: String, values: [Float])]
    ) throws {
        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        for (name, tensor) in network.namedTensors { tensors.append(("weights/" + name, tensor.shape, tensor.values)) }
        for (index, parameter) in optimizer.parameters.enumerated() {
            tensors.append(("first/" + parameter.name, parameter.value.shape, optimizer.firstMoments[index].values))
            tensors.append(("second/" + parameter.name, parameter.value.shape, optimizer.secondMoments[index].values))
        }
        let shapes = Dictionary(uniqueKeysWithValues: network.namedTensors.map { ($0.name, $0.tensor.shape) })
        for (name, values) in bestWeights { tensors.append(("best/" + name, shapes[name]!, values)) }
        let header: [String: Any] = [
            "format": "glare-checkpoint",
            "state": try TensorArchive.jsonObject(state),
            "training": try TensorArchive.jsonObject(training),
            "configuration": try TensorArchive.jsonObject(network.configuration),
            "classCount": network.classCount,
        ]
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try TensorArchive(magic: magic, header: header, tensors: tensors).write(to: url)
    }

    /// Reads `url` into `network` and `optimizer`, returning the state and the best weights.
    /// Refuses a checkpoint of another architecture or training configuration.
    static func read(
        from url: URL, training: TrainingConfiguration, network: GlareNetwork, optimizer: Optimizer
    ) throws -> (state: TrainingState, bestWeights: [(name: String, values: [Float])]) {
        let archive = try TensorArchive.read(from: url, magic: magic)
        let path = url.path
        let storedConfiguration = try archive.decode(ModelConfiguration.self, key: "configuration", path: path)
        let storedTraining = try archive.decode(TrainingConfiguration.self, key: "training", path: path)
        guard storedConfiguration == network.configuration, storedTraining == training else {
            throw ModelFileError.corrupt(
                path: path, detail: "the checkpoint was made with another model or training configuration")
        }
        let state = try archive.decode(TrainingState.self, key: "state", path: path)
        try GlareModel.restore(network.namedTensors, from: archive.tensors, prefix: "weights/", path: path)
        try GlareModel.restore(
            zip(optimizer.parameters, optimizer.firstMoments).map { ($0.name, $1) }, from: archive.tensors,
            prefix: "first/", path: path)
        try GlareModel.restore(
            zip(optimizer.parameters, optimizer.secondMoments).map { ($0.name, $1) }, from: archive.tensors,
            prefix: "second/", path: path)
        optimizer.step = state.optimizerStep
        let best = archive.tensors.filter { $0.name.hasPrefix("best/") }.map {
            (name: String($0.name.dropFirst("best/".count)), values: $0.values)
        }
        return (state, best)
    }
}
