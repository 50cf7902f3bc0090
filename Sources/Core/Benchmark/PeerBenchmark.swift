import Foundation

/// Runs the PyTorch peer (`bench/peer_glare.py`) and reads its throughput figures.
public struct PeerBenchmark {
    /// One batch size of the peer's output.
    public struct Result: Codable, Sendable {
        /// `dense` or `pyg`.
        public var implementation: String
        /// Threads the peer used.
        public var threads: Int
        /// Samples a batch.
        public var batchSize: Int
        /// Training samples a second.
        public var trainingSamplesPerSecond: Double
        /// Inference samples a second.
        public var inferenceSamplesPerSecond: Double
        /// The peer's own GFLOP/s figure for training.
        public var trainingGigaflopsPerSecond: Double
        /// The peer's own GFLOP/s figure for inference.
        public var inferenceGigaflopsPerSecond: Double
    }

    /// Why the peer could not be run.
    public enum Failure: Error, CustomStringConvertible {
        /// The interpreter or the script is missing.
        case missing(String)
        /// The peer exited with a failure.
        case failed(implementation: String, status: Int32, standardError: String)
        /// Its output was not the JSON the header describes.
        case unreadableOutput(String)

        /// A short lower-case message.
        public var description: String {
            switch self {
            case .missing(let what): return "peer benchmark unavailable: \(what)"
            case .failed(let implementation, let status, let standardError):
                return "peer --impl \(implementation) exited with status \(status): \(standardError.suffix(400))"
            case .unreadableOutput(let detail): return "peer output unreadable: \(detail)"
            }
        }
    }

    /// The Python interpreter.
    public var python: URL
    /// The peer script.
    public var script: URL
    /// Timed repetitions.
    public var repetitions = 5
    /// Target seconds a repetition.
    public var repetitionSeconds = 1.0

    /// Finds the interpreter (`$GLARE_PEER_PYTHON`, else `/tmp/glare-peer-venv/bin/python`) and the
    /// script (`$GLARE_PEER_SCRIPT`, else `../shared/bench/peer_glare.py` from `packageRoot`).
    public init(packageRoot: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        python = URL(fileURLWithPath: environment["GLARE_PEER_PYTHON"] ?? "/tmp/glare-peer-venv/bin/python")
        script =
            environment["GLARE_PEER_SCRIPT"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/bench/peer_glare.py")
        for file in [python, script] where !FileManager.default.fileExists(atPath: file.path) {
            throw Failure.missing("\(file.path) does not exist (set GLARE_PEER_PYTHON / GLARE_PEER_SCRIPT)")
        }
    }

    /// Runs `--impl implementation --threads threads` over `batchSizes`.
    public func run(implementation: String, threads: Int, batchSizes: [Int]) throws -> [Result] {
        let process = Process()
        process.executableURL = python
        process.arguments =
            [
                script.path, "--impl", implementation, "--threads", String(threads), "--reps", String(repetitions),
                "--rep-seconds", String(repetitionSeconds), "--batch-sizes",
            ] + batchSizes.map(String.init)
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = String(threads)
        environment["OMP_NUM_THREADS"] = String(threads)
        environment["MKL_NUM_THREADS"] = String(threads)
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes before waiting so that neither fills up and blocks the peer.
        let errorData = LockedData()
        let reader = Thread { errorData.value = errors.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        guard process.terminationStatus == 0 else {
            throw Failure.failed(
                implementation: implementation, status: process.terminationStatus,
                standardError: String(decoding: errorData.value ?? Data(), as: UTF8.self))
        }
        return try Self.parse(data, implementation: implementation)
    }

    /// Reads the peer's throughput JSON.
    static func parse(_ data: Data, implementation: String) throws -> [Result] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let threads = object["threads"] as? Int, let results = object["results"] as? [[String: Any]]
        else { throw Failure.unreadableOutput(String(decoding: data.prefix(300), as: UTF8.self)) }
        return try results.map { entry in
            guard let batch = entry["batch"] as? Int, let train = entry["train"] as? [String: Any],
                let infer = entry["infer"] as? [String: Any],
                let trainRate = train["samples_per_s"] as? Double, let inferRate = infer["samples_per_s"] as? Double
            else { throw Failure.unreadableOutput("a result lacks batch/train/infer figures") }
            return Result(
                implementation: implementation, threads: threads, batchSize: batch,
                trainingSamplesPerSecond: trainRate, inferenceSamplesPerSecond: inferRate,
                trainingGigaflopsPerSecond: train["implied_gflops"] as? Double ?? 0,
                inferenceGigaflopsPerSecond: infer["implied_gflops"] as? Double ?? 0)
        }
    }
}

/// Data handed from a reader thread, with a flag set once it is there.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Data?
    private var done = false

    var value: Data? {
        get { lock.withLock { stored } }
        set {
            lock.withLock {
                stored = newValue; done = true
            }
        }
    }

    var isSet: Bool { lock.withLock { done } }
}
