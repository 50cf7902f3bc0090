import FoundationEssentials

/// One file in a job's `results/` directory, as the `files` reply lists it.
public struct ResultFile: Codable, Sendable, Equatable {
    /// The file's name relative to `results/` (no `..`, no leading `/`).
    public var name: String
    /// Its size in bytes.
    public var size: Int64

    /// Creates an entry.
    public init(name: String, size: Int64) {
        self.name = name
        self.size = size
    }
}

/// A trained model the daemon knows, as the `models` reply lists it.
public struct ModelEntry: Codable, Sendable, Equatable {
    /// The model's name (the training spec's `name`, or `model-<job id>`).
    public var name: String
    /// The training job that made it.
    public var jobId: Int64
    /// The model file's path on the daemon's machine.
    public var path: String
    /// When the training job finished, seconds since the epoch.
    public var createdAt: Double
    /// Test accuracy from the training job's summary, when it has one.
    public var accuracy: Double?

    /// Creates an entry.
    public init(name: String, jobId: Int64, path: String, createdAt: Double, accuracy: Double? = nil) {
        self.name = name
        self.jobId = jobId
        self.path = path
        self.createdAt = createdAt
        self.accuracy = accuracy
    }
}

/// The daemon's state, as the `status` reply carries it.
public struct StatusReport: Sendable, Equatable {
    /// Jobs by state.
    public var counts: [JobState: Int]
    /// Whether the daemon has stopped starting jobs (`drain`).
    public var draining: Bool
    /// The daemon's software version.
    public var version: String
    /// Jobs each group runs at once, as now configured.
    public var parallelism: [String: Int]

    /// Creates a report.
    public init(counts: [JobState: Int], draining: Bool, version: String, parallelism: [String: Int] = [:]) {
        self.counts = counts
        self.draining = draining
        self.version = version
        self.parallelism = parallelism
    }
}

extension StatusReport: Codable {
    private enum CodingKeys: String, CodingKey { case counts, draining, version, parallelism }

    /// Decodes; `counts` is a JSON object keyed by state name, unknown states are ignored.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let namedCounts = try container.decode([String: Int].self, forKey: .counts)
        var counts: [JobState: Int] = [:]
        for (name, count) in namedCounts {
            if let state = JobState(rawValue: name) { counts[state] = count }
        }
        self.counts = counts
        draining = try container.decode(Bool.self, forKey: .draining)
        version = try container.decode(String.self, forKey: .version)
        parallelism = try container.decodeIfPresent([String: Int].self, forKey: .parallelism) ?? [:]
    }

    /// Encodes `counts` as a JSON object keyed by state name (a Swift enum key would become an array).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let namedCounts = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        try container.encode(namedCounts, forKey: .counts)
        try container.encode(draining, forKey: .draining)
        try container.encode(version, forKey: .version)
        try container.encode(parallelism, forKey: .parallelism)
    }
}

/// The outcome for one job of a request that names several (`cancel`, `wait`): one bad id fails alone.
public struct BatchItem: Codable, Sendable, Equatable {
    /// The job the item is about.
    public var id: Int64
    /// The job after the request, when it succeeded for this job.
    public var job: JobRecord?
    /// Why it failed for this job.
    public var error: ErrorReply?

    /// Creates an item.
    public init(id: Int64, job: JobRecord? = nil, error: ErrorReply? = nil) {
        self.id = id
        self.job = job
        self.error = error
    }
}

/// An error's code and message, as an error reply or a batch item carries it.
public struct ErrorReply: Codable, Sendable, Equatable, Error {
    /// The machine-readable code.
    public var code: ErrorCode
    /// A sentence for the user.
    public var message: String

    /// Creates an error.
    public init(code: ErrorCode, message: String) {
        self.code = code
        self.message = message
    }
}
