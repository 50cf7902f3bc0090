/// What a job does. The kind also names the scheduling group a job joins unless its spec says otherwise.
public enum JobKind: String, Codable, Sendable, CaseIterable {
    /// Trains a model on a dataset and writes the model file, its metrics and its history.
    case train
    /// Measures a trained model on a dataset.
    case evaluate
    /// Predicts the expression of every face in images or landmark files.
    case infer
    /// Extracts the landmarks of a dataset's images into the landmark cache.
    case extract
}
