import Foundation

/// Times GLaRE's training step (forward, backward, Adam) and inference on synthetic batches, the
/// way `bench/peer_glare.py` times its PyTorch peer, so the two sets of figures compare.
public struct ModelBenchmark {
    /// One timed measurement.
    public struct Measurement: Codable, Sendable {
        /// Samples a second (median repetition).
        public var samplesPerSecond: Double
        /// Milliseconds a batch (median repetition).
        public var millisecondsPerBatch: Double
        /// Batches in one repetition.
        public var batchesPerRepetition: Int
        /// (max - min) / median of the repetitions, in percent.
        public var spreadPercent: Double
        /// Samples a second times the peer's analytic FLOPs a sample.
        public var gigaflopsPerSecond: Double
        /// Samples a second of the process's CPU time (median repetition): on 1 thread, the figure
        /// a machine to itself would give, less sensitive than `samplesPerSecond` to other processes.
        public var samplesPerProcessorSecond: Double
    }

    /// The figures of one batch size on one thread count.
    public struct Result: Codable, Sendable {
        /// Threads used (OpenBLAS and the Swift loops).
        public var threads: Int
        /// Samples a batch.
        public var batchSize: Int
        /// Forward + backward + Adam step.
        public var training: Measurement
        /// Evaluation-mode forward pass.
        public var inference: Measurement
    }

    /// The architecture timed.
    public var configuration = ModelConfiguration.peerReference
    /// Classes of the synthetic task.
    public var classCount = 7
    /// Timed repetitions; the median counts.
    public var repetitions = 5
    /// Target length of one repetition.
    public var repetitionSeconds = 1.0
    /// Untimed batches before timing.
    public var warmupBatches = 5
    /// Distinct synthetic batches cycled through.
    public var distinctBatches = 4
    /// The seed of weights and data.
    public var seed: UInt64 = 0
    /// Whether to time training; off to profile inference alone (its figures are then zero).
    public var timesTraining = true
    /// Whether to time inference; off to profile training alone (its figures are then zero).
    public var timesInference = true

    /// Creates a benchmark with the peer's settings.
    public init() {}

    /// FLOPs of one forward pass per sample, counted as the peer counts them for its sparse (`pyg`)
    /// implementation: 2 per multiply-add in transforms, aggregation over the non-zeros, pooling
    /// with 1 FLOP per member element, and the head; element-wise work is not counted.
    public static func forwardFlopsPerSample(configuration: ModelConfiguration, classCount: Int) throws -> Int {
        let levelCount = configuration.variant.levelCount
        let hierarchy = try GraphHierarchy(
            topology: configuration.topology, partitions: Array(configuration.partitions.prefix(levelCount - 1)))
        var flops = 0
        var features = 3 + configuration.positionalEmbeddingSize
        for level in 0..<levelCount {
            let nodes = hierarchy.levels[level].nodeCount
            for width in configuration.levelWidths[level] {
                flops += 2 * nodes * features * width + 2 * hierarchy.levels[level].adjacency.nonZeroCount * width
                features = width
            }
            if level + 1 < levelCount { flops += nodes * features }
        }
        flops += hierarchy.levels[0].nodeCount * (configuration.levelWidths[0].last ?? 0)
        if levelCount == 3 { flops += hierarchy.levels[2].nodeCount * (configuration.levelWidths[2].last ?? 0) }
        var width = configuration.readoutWidth
        for hidden in configuration.headWidths + [classCount] {
            flops += 2 * width * hidden
            width = hidden
        }
        return flops
    }

    /// Runs the training and inference timings for each batch size on `threads` threads.
    public func run(batchSizes: [Int], threads: Int, report: (Result) -> Void = { _ in }) throws -> [Result] {
        try ComputeThreads.set(threads)
        let forwardFlops = Double(try Self.forwardFlopsPerSample(configuration: configuration, classCount: classCount))
        var generator = SeededGenerator(seed: seed)
        let network = try GlareNetwork(configuration: configuration, classCount: classCount, generator: &generator)
        let loss = SoftmaxCrossEntropy()
        var results: [Result] = []
        for batchSize in batchSizes {
            let batches = (0..<distinctBatches).map { _ in randomBatch(size: batchSize, generator: &generator) }
            let optimizer = Optimizer(parameters: network.parameters, settings: Optimizer.Settings())
            var trainingContext = LayerContext(training: true, generator: SeededGenerator(seed: seed &+ 1))
            let training = try measure(
                batchSize: batchSize, flopsPerSample: 3 * forwardFlops, enabled: timesTraining
            ) { index throws in
                let (landmarks, labels) = batches[index % batches.count]
                let logits = try network.forward(landmarks, context: &trainingContext)
                let (_, gradient) = loss.evaluate(logits: logits, labels: labels[...])
                try network.backward(gradient)
                optimizer.update(learningRate: 1e-3)
            }
            let predictor = GlarePredictor(network: network)
            let inference = try measure(
                batchSize: batchSize, flopsPerSample: forwardFlops, enabled: timesInference
            ) { index throws in
                _ = try predictor.logits(for: batches[index % batches.count].0)
            }
            let result = Result(threads: threads, batchSize: batchSize, training: training, inference: inference)
            report(result)
            results.append(result)
        }
        return results
    }

    private func randomBatch(size: Int, generator: inout SeededGenerator) -> (Tensor, [Int]) {
        let landmarks = Tensor(shape: [size, 68, 3])
        for index in 0..<landmarks.count { landmarks[index] = generator.nextGaussian() }
        let labels = (0..<size).map { _ in Int(generator.next() % UInt64(classCount)) }
        return (landmarks, labels)
    }

    private func measure(
        batchSize: Int, flopsPerSample: Double, enabled: Bool, step: (Int) throws -> Void
    ) throws -> Measurement {
        guard enabled else {
            return Measurement(
                samplesPerSecond: 0, millisecondsPerBatch: 0, batchesPerRepetition: 0, spreadPercent: 0,
                gigaflopsPerSecond: 0, samplesPerProcessorSecond: 0)
        }
        for index in 0..<warmupBatches { try step(index) }
        let probeStart = DispatchTime.now().uptimeNanoseconds
        for index in 0..<2 { try step(index) }
        let perStep = Double(DispatchTime.now().uptimeNanoseconds - probeStart) / 2e9
        let batchesPerRepetition = max(3, Int((repetitionSeconds / max(perStep, 1e-9)).rounded(.up)))
        var times: [Double] = []
        var processorTimes: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            let processorStart = Self.processorSeconds()
            for index in 0..<batchesPerRepetition { try step(index) }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            processorTimes.append(Self.processorSeconds() - processorStart)
        }
        times.sort()
        processorTimes.sort()
        let median = times[times.count / 2]
        let samples = Double(batchesPerRepetition * batchSize)
        let samplesPerSecond = samples / median
        return Measurement(
            samplesPerSecond: samplesPerSecond, millisecondsPerBatch: 1e3 * median / Double(batchesPerRepetition),
            batchesPerRepetition: batchesPerRepetition, spreadPercent: 100 * (times.last! - times[0]) / median,
            gigaflopsPerSecond: samplesPerSecond * flopsPerSample / 1e9,
            samplesPerProcessorSecond: samples / max(processorTimes[processorTimes.count / 2], 1e-9))
    }

    /// The CPU time of the whole process (every thread), in seconds.
    private static func processorSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
