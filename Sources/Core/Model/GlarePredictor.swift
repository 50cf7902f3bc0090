import Foundation

/// Inference with a network: evaluation-mode forward passes over cache-sized chunks of a batch.
///
/// A batch of 1024 faces has level-0 activations of 18 MB; running the levels 32 faces at a time
/// keeps every intermediate tensor in the core's own cache. The head's first product has a wide
/// weight (1344 x 128 in the peer's architecture) that sgemm packs on every call, so the head runs
/// once a block of up to 4 chunks, on their readouts gathered in one tensor. Blocks depend on the
/// batch size only, never on the thread count, so every thread count gives the same bits. With
/// more than one compute thread, whole blocks run side by side on replicas of the network (weights
/// copied in before every batch) with OpenBLAS on one thread each, which scales far better than
/// splitting every small product.
public final class GlarePredictor {
    /// The network.
    public let network: GlareNetwork
    /// Faces a chunk.
    public let chunkSize: Int
    /// Threads; fixed when the predictor is made (`ComputeThreads.count` by default).
    public let threads: Int
    private var workers: [Worker] = []
    private let logits = Tensor(shape: [0])

    /// One thread's network, context, input chunk and block of readouts.
    private final class Worker {
        let network: GlareNetwork
        var context = LayerContext(training: false, threads: 1)
        let chunk = Tensor(shape: [0])
        let readouts = Tensor(shape: [0])

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
        logits.resize([batch, network.classCount])
        let blockSize = blockSize(batch: batch)
        let blockCount = (batch + blockSize - 1) / blockSize
        let workerCount = min(threads, max(blockCount, 1))
        try prepareWorkers(count: workerCount)
        if workerCount > 1 { try BLAS.setThreadCount(1) }
        defer { if workerCount > 1 { try? BLAS.setThreadCount(ComputeThreads.count) } }

        var failure: BLASError?
        let failureLock = NSLock()
        Parallel.run(count: blockCount, threads: workerCount) { index, blocks in
            do throws(BLASError) {
                for block in blocks {
                    let start = block * blockSize
                    try run(rows: start..<min(start + blockSize, batch), of: landmarks, worker: workers[index])
                }
            } catch {
                failureLock.withLock { failure = error }
            }
        }
        if let failure { throw failure }
        return logits
    }

    /// Rows a block: up to `maximumChunksPerBlock` chunks, but at least two blocks while there are
    /// two chunks, so that two threads share even a small batch.
    private func blockSize(batch: Int) -> Int {
        let chunkCount = (batch + chunkSize - 1) / chunkSize
        return chunkSize * max(1, min(Self.maximumChunksPerBlock, chunkCount / 2))
    }

    /// Chunks whose readouts one call of the head takes at most.
    static let maximumChunksPerBlock = 4

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

    /// The levels chunk by chunk, each writing its readouts into the worker's block, then the head
    /// on the whole block.
    private func run(rows: Range<Int>, of landmarks: Tensor, worker: Worker) throws(BLASError) {
        let perSample = landmarks.count / max(landmarks.shape[0], 1)
        let width = network.readoutWidth
        let classes = network.classCount
        worker.readouts.resize([rows.count, width])
        for start in stride(from: rows.lowerBound, to: rows.upperBound, by: chunkSize) {
            let size = min(chunkSize, rows.upperBound - start)
            worker.chunk.resize([size] + landmarks.shape.dropFirst())
            worker.chunk.pointer.update(from: landmarks.pointer + start * perSample, count: size * perSample)
            try worker.network.writeReadout(
                worker.chunk, context: &worker.context,
                into: worker.readouts.pointer + (start - rows.lowerBound) * width)
        }
        let blockLogits = try worker.network.logits(readout: worker.readouts, context: &worker.context)
        (logits.pointer + rows.lowerBound * classes).update(from: blockLogits.pointer, count: rows.count * classes)
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
