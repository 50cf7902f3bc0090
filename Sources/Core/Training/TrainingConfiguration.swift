/// Every choice of a training run, recorded in its checkpoint and its results.
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    /// How the learning rate moves from epoch to epoch.
    public enum Schedule: String, Codable, Sendable, CaseIterable {
        /// The base rate throughout.
        case constant
        /// Half a cosine from the base rate down to `minimumLearningRate` over the epochs.
        case cosine
        /// Multiplied by `plateauFactor` after `plateauPatience` epochs without a better validation macro F1.
        case plateau
    }

    /// Passes over the training set, at most.
    public var epochs = 30
    /// Samples a batch.
    public var batchSize = 64
    /// The base learning rate.
    public var learningRate: Float = 1e-3
    /// The optimiser.
    public var optimizer = Optimizer.Settings()
    /// The learning-rate schedule.
    public var schedule: Schedule = .cosine
    /// The floor of the cosine and plateau schedules.
    public var minimumLearningRate: Float = 1e-5
    /// The plateau schedule's factor.
    public var plateauFactor: Float = 0.5
    /// The plateau schedule's patience, in epochs.
    public var plateauPatience = 3
    /// Gradients are scaled down to this global L2 norm when larger; nil turns clipping off.
    public var gradientClipNorm: Float? = 5
    /// Training stops after this many epochs without a better validation macro F1; nil never stops early.
    public var earlyStoppingPatience: Int? = 10
    /// The share of the training data held out for validation (stratified, seeded).
    public var validationFraction = 0.15
    /// The seed of weights, split, shuffles, augmentation and dropout.
    public var seed: UInt64 = 1
    /// Changes applied to each training batch.
    public var augmentation = LandmarkAugmentation()
    /// Per-class loss weights, or nil for equal weights.
    public var classWeights: [Float]?

    /// The defaults: Adam (lr 1e-3, weight decay 1e-4) as the peer, batch 64, cosine schedule,
    /// clipping at norm 5, early stopping after 10 epochs, mild augmentation.
    public init() {}
}
