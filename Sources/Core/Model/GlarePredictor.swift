import Foundation

/// Inference with a network: evaluation-mode forward passes over cache-sized chunks of a batch.
///
/// A batch of 1024 faces has level-0 activations of 18 MB; running it 32 faces at a time keeps
/// every intermediate tensor in the core's own cache. With more than one compute thread, whole
/// chunks run side by side on replicas of the network (weights copied in before every batch) with
/// OpenBLAS on one thread each, which scales far better than splitting every small product.
public final class GlarePredictor {
    /// The network.
    public let network: GlareNetwork
    /// Faces a chunk.
    public let chunkSize: Int
    /// Threads; fixed when the predictor is made (`ComputeThreads.count` by default).
    public let threads: Int
    private var workers: [Worker] = []
    private let logits = Tensor(shape: [0])

    /// One thread's network, context and input chunk.
    private final class Worker {
        let network: GlareNetwork
        var context = LayerContext(training: false, threads: 1)
        let chunk = Tensor(shape: [0])

        init(network: GlareNetwork) {
            self.network = network
            context.inferenceOnly = true
        }
    }

    /// Wraps `network`.
    public init(network: GlareNetwork, chunkSize: Int = 32, threads: Int? = nil) {
        self.network = network
        self.chunkSize = chunkSize
        self.threads = max(1, threads ?? ComputeThreads.count)
    }

    /// Logits `[batch, classes]` for normalised landmarks `[batch, nodes, 3]`; the tensor is the
    /// predictor's and stays valid until the next call.
    public func logits(for landmarks: Tensor) throws(BLASError) -> Tensor {
        let batch = landmarks.shape[0]
        let classes = network.classCount
        logits.resize([batch, classes])
        let chunkCount = (batch + chunkSize - 1) / chunkSize
        let workerCount = min(threads, max(chunkCount, 1))
        try prepareWorkers(count: workerCount)
        if workerCount > 1 { try BLAS.setThreadCount(1) }
        defer { if workerCount > 1 { try? BLAS.setThreadCount(ComputeThreads.count) } }

        var failure: BLASError?
        let failureLock = NSLock()
        Parallel.run(count: chunkCount, threads: workerCount) { index, chunks in
            do throws(BLASError) {
                try run(chunks: chunks, of: landmarks, worker: workers[index])
            } catch {
                failureLock.withLock { failure = error }
            }
        }
        if let failure { throw failure }
        return logits
    }

    private func prepareWorkers(count: Int) throws(BLASError) {
        if workers.isEmpty { workers.append(Worker(network: network)) }
        while workers.count < count {
            var generator = SeededGenerator(seed: 0)
            do {
                workers.append(
                    Worker(
                        network: try GlareNetwork(
                            configuration: network.configuration, classCount: network.classCount,
                            generator: &generator)))
            } catch {
                preconditionFailure("a replica of a working network could not be built: \(error)")
            }
        }
        for worker in workers.dropFirst().prefix(count - 1) {
            for (source, target) in zip(network.namedTensors, worker.network.namedTensors) {
                target.tensor.pointer.update(from: source.tensor.pointer, count: source.tensor.count)
            }
        }
    }

    private func run(chunks: Range<Int>, of landmarks: Tensor, worker: Worker) throws(BLASError) {
        let batch = landmarks.shape[0]
        let perSample = landmarks.count / max(batch, 1)
        let classes = network.classCount
        for chunkIndex in chunks {
            let start = chunkIndex * chunkSize
            let size = min(chunkSize, batch - start)
            worker.chunk.resize([size] + landmarks.shape.dropFirst())
            worker.chunk.pointer.update(from: landmarks.pointer + start * perSample, count: size * perSample)
            let chunkLogits = try worker.network.forward(worker.chunk, context: &worker.context)
            (logits.pointer + start * classes).update(from: chunkLogits.pointer, count: size * classes)
        }
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
