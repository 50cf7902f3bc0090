/// Concatenates per-sample feature blocks into one vector per sample:
/// `z_b = concat(flatten(X1_b), flatten(X2_b), ...)`.
///
/// GLaRE's readout joins the mean over level-0 nodes `[batch, 1, F0]`, the region vectors in their
/// fixed order `[batch, 9, F1]` and the mean over level-2 nodes `[batch, 1, F2]` into
/// `[batch, F0 + 9 F1 + F2]`. Backward splits `dz` back into the parts' shapes.
public final class Readout {
    private let output = Tensor(shape: [0])
    private var partGradients: [Tensor] = []
    private var partShapes: [[Int]] = []

    /// Creates the layer.
    public init() {}

    /// `[batch, sum of per-sample sizes]`.
    public func forward(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "readout of nothing")
        let batch = parts[0].shape[0]
        output.resize([batch, parts.reduce(0) { $0 + $1.count } / max(batch, 1)])
        forward(parts, into: output.pointer)
        return output
    }

    /// Writes `[batch, sum of per-sample sizes]` to `target` instead of the layer's own output.
    public func forward(_ parts: [Tensor], into target: UnsafeMutablePointer<Float>) {
        precondition(!parts.isEmpty, "readout of nothing")
        let batch = parts[0].shape[0]
        let sizes = parts.map { $0.count / max(batch, 1) }
        let width = sizes.reduce(0, +)
        partShapes = parts.map(\.shape)
        for sample in 0..<batch {
            var offset = sample * width
            for (part, size) in zip(parts, sizes) {
                (target + offset).update(from: part.pointer + sample * size, count: size)
                offset += size
            }
        }
    }

    /// The gradients of the parts of the last forward pass, in their shapes.
    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        while partGradients.count < partShapes.count { partGradients.append(Tensor(shape: [0])) }
        let batch = outputGradient.shape[0]
        let width = outputGradient.shape[1]
        var offset = 0
        for (index, shape) in partShapes.enumerated() {
            let gradient = partGradients[index]
            gradient.resize(shape)
            let size = gradient.count / max(batch, 1)
            for sample in 0..<batch {
                (gradient.pointer + sample * size).update(
                    from: outputGradient.pointer + sample * width + offset, count: size)
            }
            offset += size
        }
        return Array(partGradients.prefix(partShapes.count))
    }
}
