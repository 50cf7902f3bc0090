import Foundation

/// The learning rate of each epoch, with the state the plateau schedule carries between epochs.
public struct LearningRateSchedule: Codable, Sendable, Equatable {
    /// The rule and its settings.
    public let kind: TrainingConfiguration.Schedule
    /// The rate at epoch 0.
    public let baseRate: Float
    /// The floor.
    public let minimumRate: Float
    /// The number of epochs (cosine).
    public let epochs: Int
    /// The factor and patience of the plateau rule.
    public let plateauFactor: Float
    /// Epochs without improvement before the plateau rule cuts the rate.
    public let plateauPatience: Int
    /// The plateau rule's current rate.
    public private(set) var plateauRate: Float
    /// The best score the plateau rule has seen.
    public private(set) var plateauBest: Double?
    /// Epochs since that best.
    public private(set) var plateauWait = 0

    /// The schedule of `configuration`.
    public init(configuration: TrainingConfiguration) {
        kind = configuration.schedule
        baseRate = configuration.learningRate
        minimumRate = min(configuration.minimumLearningRate, configuration.learningRate)
        epochs = configuration.epochs
        plateauFactor = configuration.plateauFactor
        plateauPatience = configuration.plateauPatience
        plateauRate = configuration.learningRate
    }

    /// The rate for epoch `epoch` (0-based).
    public func rate(epoch: Int) -> Float {
        switch kind {
        case .constant: return baseRate
        case .cosine:
            let progress = Double(epoch) / Double(max(epochs, 1))
            return minimumRate + (baseRate - minimumRate) * Float(0.5 * (1 + cos(Double.pi * progress)))
        case .plateau: return plateauRate
        }
    }

    /// Tells the plateau rule the validation score (higher is better) at the end of an epoch.
    public mutating func record(score: Double) {
        guard kind == .plateau else { return }
        if score > plateauBest ?? -Double.infinity {
            plateauBest = score
            plateauWait = 0
        } else {
            plateauWait += 1
            if plateauWait >= plateauPatience {
                plateauRate = max(plateauRate * plateauFactor, minimumRate)
                plateauWait = 0
            }
        }
    }
}
