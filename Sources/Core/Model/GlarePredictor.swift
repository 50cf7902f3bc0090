/// Inference with a network: evaluation-mode forward passes over cache-sized chunks of a batch.
///
/// A batch of 1024 faces has level-0 activations of 18 MB; running it 32 faces at a time keeps
/// every intermediate tensor in the core's own cache, which roughly doubles inference throughput.
public final class GlarePredictor {
    /// The network.
    public let network: GlareNetwork
    /// Faces a chunk.
    public let chunkSize: Int
    private var context = LayerContext(training: false)
    private let chunk = Tensor(shape: [0])
    private let logits = Tensor(shape: [0])

    /// Wraps `network`.
    public init(network: GlareNetwork, chunkSize: Int = 32) {
        self.network = network
        self.chunkSize = chunkSize
    }

    /// Logits `[batch, classes]` for normalised landmarks `[batch, nodes, 3]`; the tensor is the
    /// predictor's and stays valid until the next call.
    public func logits(for landmarks: Tensor) throws(BLASError) -> Tensor {
        let batch = landmarks.shape[0]
        let perSample = landmarks.count / max(batch, 1)
        let classes = network.classCount
        logits.resize([batch, classes])
        var start = 0
        while start < batch {
            let size = min(chunkSize, batch - start)
            chunk.resize([size] + landmarks.shape.dropFirst())
            chunk.pointer.update(from: landmarks.pointer + start * perSample, count: size * perSample)
            let chunkLogits = try network.forward(chunk, context: &context)
            (logits.pointer + start * classes).update(from: chunkLogits.pointer, count: size * classes)
            start += size
        }
        return logits
    }

    /// Class probabilities `[count, classes]`, sample-major, for `count` normalised faces.
    public func probabilities(normalizedLandmarks: [Float], count: Int) throws(BLASError) -> [Float] {
        guard count > 0 else { return [] }
        let input = Tensor(shape: [count, network.configuration.topology.nodeCount, 3], values: normalizedLandmarks)
        let logits = try logits(for: input)
        var probabilities = [Float](repeating: 0, count: logits.count)
        probabilities.withUnsafeMutableBufferPointer { buffer in
            SoftmaxCrossEntropy.softmax(
                logits.pointer, into: buffer.baseAddress!, rows: count, classes: network.classCount)
        }
        return probabilities
    }
}
