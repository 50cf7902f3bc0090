/// The figures of one training epoch: what a report plots.
public struct EpochRecord: Codable, Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// The learning rate used.
    public var learningRate: Double
    /// Mean training loss over the epoch's batches (train mode, with dropout and augmentation).
    public var loss: Double
    /// Training accuracy over the epoch's batches (same conditions).
    public var accuracy: Double
    /// Mean gradient norm before clipping.
    public var gradientNorm: Double
    /// Validation loss (evaluation mode), nil without a validation set.
    public var validationLoss: Double?
    /// Validation accuracy.
    public var validationAccuracy: Double?
    /// Validation macro F1.
    public var validationMacroF1: Double?
    /// Wall-clock seconds of the epoch.
    public var seconds: Double
}
