import Foundation

/// `glare-bench model`: times GLaRE and the PyTorch peer on the same threads and prints both,
/// with the ratio against the peer's best implementation.
public struct ModelBenchmarkCommand {
    /// Thread counts to time.
    public var threadCounts = [1, 2]
    /// Batch sizes to time.
    public var batchSizes = [64, 256, 1024]
    /// Whether to run the peer too.
    public var runsPeer = true
    /// Timed repetitions.
    public var repetitions = 5
    /// Target seconds a repetition.
    public var repetitionSeconds = 1.0
    /// `training` or `inference` to time only that (for profiling); nil times both.
    public var only: String?
    /// Where to write every figure of the run as JSON (`--json FILE`), for reports; nil writes none.
    public var jsonFile: String?

    /// Every figure of one run, as `--json` writes it.
    public struct Report: Codable, Sendable {
        /// When the run started, seconds since 1970.
        public var started: Double
        /// Forward FLOPs a sample by the peer's count; training counts three times as many.
        public var forwardFlopsPerSample: Int
        /// glare's figures, one a thread count and batch size.
        public var glare: [ModelBenchmark.Result] = []
        /// The peer's figures, one an implementation, thread count and batch size.
        public var peer: [PeerBenchmark.Result] = []
        /// Why the peer did not run, when it did not.
        public var peerProblems: [String] = []
    }

    /// Reads `--threads 1,2`, `--batch-sizes 64,256`, `--reps N`, `--rep-seconds S`, `--no-peer`,
    /// `--only training|inference`, `--json FILE`.
    public init(arguments: [String]) throws {
        var remaining = arguments[...]
        func list(_ flag: String) throws -> [Int] {
            guard let text = remaining.popFirst() else { throw UsageError(message: "\(flag) needs a value") }
            let values = text.split(separator: ",").compactMap { Int($0) }
            guard !values.isEmpty, values.allSatisfy({ $0 > 0 }) else {
                throw UsageError(message: "\(flag) takes positive integers separated by commas")
            }
            return values
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--threads": threadCounts = try list(argument)
            case "--batch-sizes": batchSizes = try list(argument)
            case "--reps": repetitions = try list(argument)[0]
            case "--rep-seconds":
                guard let value = remaining.popFirst().flatMap(Double.init), value > 0 else {
                    throw UsageError(message: "--rep-seconds takes a positive number")
                }
                repetitionSeconds = value
            case "--no-peer": runsPeer = false
            case "--json":
                guard let value = remaining.popFirst(), !value.isEmpty else {
                    throw UsageError(message: "--json needs a file")
                }
                jsonFile = value
            case "--only":
                guard let value = remaining.popFirst(), ["training", "inference"].contains(value) else {
                    throw UsageError(message: "--only takes training or inference")
                }
                only = value
            default: throw UsageError(message: "unknown argument \(argument)")
            }
        }
    }

    /// A command-line mistake.
    public struct UsageError: Error, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// Runs everything and prints a table to standard output.
    public func run() throws {
        var benchmark = ModelBenchmark()
        benchmark.repetitions = repetitions
        benchmark.repetitionSeconds = repetitionSeconds
        benchmark.timesTraining = only != "inference"
        benchmark.timesInference = only != "training"
        let flops = try ModelBenchmark.forwardFlopsPerSample(
            configuration: benchmark.configuration, classCount: benchmark.classCount)
        emit("GLaRE-ref (peer architecture), \(flops) forward FLOPs a sample (peer's sparse count), training = 3x")
        var report = Report(started: Date().timeIntervalSince1970, forwardFlopsPerSample: flops)
        var peer: PeerBenchmark?
        if runsPeer {
            do {
                var found = try PeerBenchmark(packageRoot: Self.packageRoot())
                found.repetitions = repetitions
                found.repetitionSeconds = repetitionSeconds
                peer = found
            } catch {
                emit("peer: \(error)")
                report.peerProblems.append("\(error)")
            }
        }

        for threads in threadCounts {
            emit("\n== \(threads) thread(s)")
            let ours = try benchmark.run(batchSizes: batchSizes, threads: threads) { result in
                emit(
                    String(
                        format: "glare   batch %5d  train %9.1f samples/s (%6.2f GFLOP/s, %4.1f%% spread)"
                            + "  infer %10.1f samples/s (%6.2f GFLOP/s, %4.1f%% spread)"
                            + "  per CPU-second: train %9.1f, infer %10.1f",
                        result.batchSize, result.training.samplesPerSecond, result.training.gigaflopsPerSecond,
                        result.training.spreadPercent, result.inference.samplesPerSecond,
                        result.inference.gigaflopsPerSecond, result.inference.spreadPercent,
                        result.training.samplesPerProcessorSecond, result.inference.samplesPerProcessorSecond))
            }
            report.glare += ours
            guard let peer else { continue }
            var peerResults: [PeerBenchmark.Result] = []
            for implementation in ["dense", "pyg"] {
                do {
                    let results = try peer.run(implementation: implementation, threads: threads, batchSizes: batchSizes)
                    for result in results {
                        emit(
                            String(
                                format: "peer %@ batch %5d  train %9.1f samples/s (%6.2f GFLOP/s)"
                                    + "                     infer %10.1f samples/s (%6.2f GFLOP/s)",
                                implementation.padding(toLength: 5, withPad: " ", startingAt: 0), result.batchSize,
                                result.trainingSamplesPerSecond, result.trainingGigaflopsPerSecond,
                                result.inferenceSamplesPerSecond, result.inferenceGigaflopsPerSecond))
                    }
                    peerResults += results
                    report.peer += results
                } catch {
                    emit("peer \(implementation): \(error)")
                    report.peerProblems.append("\(implementation): \(error)")
                }
            }
            for result in ours {
                let matching = peerResults.filter { $0.batchSize == result.batchSize }
                guard let bestTraining = matching.map(\.trainingSamplesPerSecond).max(),
                    let bestInference = matching.map(\.inferenceSamplesPerSecond).max()
                else { continue }
                emit(
                    String(
                        format:
                            "ratio   batch %5d  train %.2fx peer's best (%.1f/s)   infer %.2fx peer's best (%.1f/s)",
                        result.batchSize, result.training.samplesPerSecond / bestTraining, bestTraining,
                        result.inference.samplesPerSecond / bestInference, bestInference))
            }
        }

        if let jsonFile {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(encoder.encode(report), to: URL(fileURLWithPath: jsonFile))
            emit("figures written to \(jsonFile)")
        }
    }

    /// Prints a line and flushes it, so that progress shows when standard output is a pipe.
    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// The folder holding Package.swift: from the working directory up, else from this source file up.
    static func packageRoot() -> URL {
        let starts = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent(),
        ]
        for start in starts {
            var folder = start
            while folder.path != "/" {
                if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                    return folder
                }
                folder.deleteLastPathComponent()
            }
        }
        return starts[0]
    }
}
