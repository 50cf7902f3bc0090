/// A network layer with one input and one output tensor and a hand-written backward pass.
///
/// `forward` returns a tensor the layer owns (its workspace, reused on the next call) and keeps
/// what `backward` needs; `backward` takes the gradient of the loss with respect to that output,
/// sets the gradients of the layer's parameters and returns the gradient with respect to the input.
/// The caller must not change a layer's input or output between its forward and backward passes.
public protocol Layer: AnyObject {
    /// The layer's trainable parameters (empty for parameter-free layers).
    var parameters: [Parameter] { get }
    /// Non-trainable state kept in model files (BatchNorm's running statistics), by name.
    var buffers: [(name: String, tensor: Tensor)] { get }
    /// Computes the output for `input`.
    func forward(_ input: Tensor, context: inout LayerContext) throws(BLASError) -> Tensor
    /// Back-propagates `outputGradient` (same shape as the last output).
    func backward(_ outputGradient: Tensor) throws(BLASError) -> Tensor
}

extension Layer {
    /// No parameters.
    public var parameters: [Parameter] { [] }
    /// No buffers.
    public var buffers: [(name: String, tensor: Tensor)] { [] }
}

/// What a forward pass needs besides its input: the mode and the random source for dropout.
public struct LayerContext {
    /// Training mode (batch statistics, dropout) or evaluation mode (running statistics, no dropout).
    public var training: Bool
    /// The random source for dropout masks.
    public var generator: SeededGenerator
    /// Threads the layers' own loops may use (OpenBLAS has its own setting, `ComputeThreads`).
    public var threads: Int
    /// Whether no backward pass will follow (inference): layers may then fuse steps and drop what
    /// only `backward` needs. Only meaningful in evaluation mode.
    public var inferenceOnly = false

    /// Creates a context; `threads` defaults to `ComputeThreads.count`.
    public init(training: Bool, generator: SeededGenerator = SeededGenerator(seed: 0), threads: Int? = nil) {
        self.training = training
        self.generator = generator
        self.threads = threads ?? ComputeThreads.count
    }
}

/// Small loops over tensors that several layers share.
enum TensorLoops {
    /// `sums[f] = sum over rows of matrix[row, f]`, for a `rows x columns` row-major matrix.
    static func columnSums(
        _ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>
    ) {
        sums.update(repeating: 0, count: columns)
        for row in 0..<rows {
            add(matrix + row * columns, into: sums, count: columns)
        }
    }

    /// `target[i] += source[i]` for `count` elements.
    static func add(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
        var index = 0
        while index + Vector.width <= count {
            Vector.store(Vector.load(target, index) + Vector.load(source, index), target, index)
            index += Vector.width
        }
        while index < count {
            target[index] += source[index]
            index += 1
        }
    }

    /// Fills `rows` rows of `matrix` with `row`.
    static func broadcast(
        _ row: UnsafePointer<Float>, into matrix: UnsafeMutablePointer<Float>, rows: Int, columns: Int
    ) {
        for index in 0..<rows { (matrix + index * columns).update(from: row, count: columns) }
    }
}
