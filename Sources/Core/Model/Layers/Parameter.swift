/// A trainable tensor and the gradient of the loss with respect to it.
///
/// A layer's `backward` overwrites `gradient` (each parameter is used once per forward pass).
public final class Parameter {
    /// A stable name, unique in a network, used by model files and checkpoints.
    public let name: String
    /// The current value.
    public let value: Tensor
    /// The gradient from the last backward pass, same shape as `value`.
    public let gradient: Tensor

    /// Creates a parameter holding `value`, with a zero gradient.
    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        gradient = Tensor(shape: value.shape)
    }
}
