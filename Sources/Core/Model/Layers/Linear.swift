/// A fully connected layer: `y = x W + b`.
///
/// Shapes: `x` is `[rows, inputFeatures]` (any leading dimensions, flattened), `W` is
/// `[inputFeatures, outputFeatures]`, `b` is `[outputFeatures]`, `y` is `[rows, outputFeatures]`.
/// Backward: `dW = x^T dy`, `db = sum_rows dy`, `dx = dy W^T`.
public final class Linear: Layer {
    /// `W`, `[inputFeatures, outputFeatures]`.
    public let weight: Parameter
    /// `b`, `[outputFeatures]`.
    public let bias: Parameter
    /// Whether `backward` computes `dx` (not needed for a network's first layer).
    public var computesInputGradient = true

    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private var input: Tensor?
    private var threads = 1

    /// Creates a layer with Glorot-uniform weights (`U(-sqrt(6/(in+out)), +sqrt(6/(in+out)))`) and zero bias.
    public init(name: String, inputFeatures: Int, outputFeatures: Int, generator: inout SeededGenerator) {
        weight = Parameter(
            name: name + ".weight",
            value: Initialization.glorotUniform(rows: inputFeatures, columns: outputFeatures, generator: &generator))
        bias = Parameter(name: name + ".bias", value: Tensor(shape: [outputFeatures]))
    }

    /// The parameters `W` and `b`.
    public var parameters: [Parameter] { [weight, bias] }

    /// `y = x W + b`.
    public func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor {
        let inputFeatures = weight.value.shape[0]
        let outputFeatures = weight.value.shape[1]
        precondition(
            input.columns == inputFeatures, "linear layer expects \(inputFeatures) features, got \(input.shape)")
        self.input = input
        threads = context.threads
        let rows = input.rows
        output.resize(Array(input.shape.dropLast()) + [outputFeatures])
        TensorLoops.broadcast(bias.value.pointer, into: output.pointer, rows: rows, columns: outputFeatures)
        try BLAS.multiply(
            .none, input.pointer, leadingA: inputFeatures, .none, weight.value.pointer, leadingB: outputFeatures,
            into: output.pointer, leadingC: outputFeatures, rows: rows, columns: outputFeatures, inner: inputFeatures,
            beta: 1, threads: threads, split: .rows)
        return output
    }

    /// Sets `dW`, `db` and returns `dx`.
    public func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor {
        guard let input else { preconditionFailure("backward before forward") }
        let inputFeatures = weight.value.shape[0]
        let outputFeatures = weight.value.shape[1]
        let rows = input.rows
        try BLAS.multiply(
            .transposed, input.pointer, leadingA: inputFeatures, .none, outputGradient.pointer,
            leadingB: outputFeatures, into: weight.gradient.pointer, leadingC: outputFeatures, rows: inputFeatures,
            columns: outputFeatures, inner: rows, threads: threads, split: .rows)
        TensorLoops.columnSums(outputGradient.pointer, rows: rows, columns: outputFeatures, into: bias.gradient.pointer)
        inputGradient.resize(input.shape)
        guard computesInputGradient else { return inputGradient }
        try BLAS.multiply(
            .none, outputGradient.pointer, leadingA: outputFeatures, .transposed, weight.value.pointer,
            leadingB: outputFeatures, into: inputGradient.pointer, leadingC: inputFeatures, rows: rows,
            columns: inputFeatures, inner: outputFeatures, threads: threads, split: .rows)
        return inputGradient
    }
}
