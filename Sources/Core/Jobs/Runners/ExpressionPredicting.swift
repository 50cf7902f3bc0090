/// What the inference runner needs from a model: its classes and its probabilities.
/// `GlareModel` is the real one; tests may inject another.
protocol ExpressionPredicting: AnyObject {
    /// The class names, in the order of the probabilities.
    var classNames: [String] { get }

    /// `count * classNames.count` probabilities, sample-major, for `count * 204` raw landmark values.
    func predictProbabilities(landmarks: [Float], count: Int) -> [Float]
}

extension GlareModel: ExpressionPredicting {}
