/// What a client asks the daemon, one a frame, discriminated by `op`.
///
/// On the wire each request is a flat JSON object, for example
/// `{"op": "submit", "spec": {...}, "priority": 0, "after": [12]}` or `{"op": "cancel", "ids": [3, 4]}`.
/// The daemon acts as the caller's uid from the socket's peer credentials, never a uid in a message.
public enum Request: Sendable, Equatable {
    /// Queues a job; `after` lists jobs that must succeed first. Reply: `submitted`.
    case submit(spec: JobSpec, priority: Int, after: [Int64])
    /// Lists waiting and running jobs, or with `all` finished ones too, in id order: those with an
    /// id above `after`, at most `limit` of them (the daemon's own page size when nil, and never more
    /// than fit in one frame). Reply: `jobs`, whose `more` says a next page starts after its last id.
    case list(all: Bool, after: Int64 = 0, limit: Int? = nil)
    /// One job's record. Reply: `job`.
    case show(id: Int64)
    /// The job's log from byte `fromOffset`: `logChunk` replies then `logEnd`. With `follow`, the
    /// stream stays open while the job runs and ends when it is final.
    case logs(id: Int64, follow: Bool, fromOffset: Int64)
    /// Cancels jobs. Reply: `batch`, one item a job.
    case cancel(ids: [Int64])
    /// Waits until every job is final. Reply: `batch` with the final records, sent when the last ends.
    case wait(ids: [Int64])
    /// Submits a failed or cancelled job again as a new job. Reply: `submitted`.
    case retry(id: Int64)
    /// Deletes a final job and its directory. Reply: `ok`.
    case remove(id: Int64)
    /// Lists a job's result files. Reply: `files`.
    case result(id: Int64)
    /// Streams one result file from byte `offset`: `fileChunk` replies, the last with `isLast`.
    case fetchFile(id: Int64, name: String, offset: Int64)
    /// Lists trained models by name. Reply: `models`.
    case models
    /// Stops starting new jobs; running ones go on. Reply: `ok`. Admin only.
    case drain
    /// Starts jobs again after `drain`. Reply: `ok`. Admin only.
    case resume
    /// Sets how many jobs a group runs at once. Reply: `status`. Admin only.
    case setParallelism(group: String, count: Int)
    /// Stops the daemon: running jobs are interrupted to resume later. Reply: `ok`. Admin only.
    case shutdown
    /// Re-reads the configuration file, as SIGHUP does, and answers once it has. Reply: `status`
    /// with the settings now in force, or `invalid_configuration` naming the file and line (the
    /// previous settings stay). Admin only.
    case reload
    /// Queue counts and daemon state. Reply: `status`.
    case status

    /// The `op` value naming this request on the wire.
    public var operation: String {
        switch self {
        case .submit: return "submit"
        case .list: return "list"
        case .show: return "show"
        case .logs: return "logs"
        case .cancel: return "cancel"
        case .wait: return "wait"
        case .retry: return "retry"
        case .remove: return "remove"
        case .result: return "result"
        case .fetchFile: return "fetchFile"
        case .models: return "models"
        case .drain: return "drain"
        case .resume: return "resume"
        case .setParallelism: return "setParallelism"
        case .shutdown: return "shutdown"
        case .reload: return "reload"
        case .status: return "status"
        }
    }
}

extension Request: Codable {
    private enum CodingKeys: String, CodingKey {
        case op, spec, priority, after, all, id, ids, follow, fromOffset, name, offset, group, count, afterId, limit
    }

    /// Decodes a request from its flat JSON object.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let operation = try container.decode(String.self, forKey: .op)
        switch operation {
        case "submit":
            self = .submit(
                spec: try container.decode(JobSpec.self, forKey: .spec),
                priority: try container.decodeIfPresent(Int.self, forKey: .priority) ?? 0,
                after: try container.decodeIfPresent([Int64].self, forKey: .after) ?? [])
        case "list":
            self = .list(
                all: try container.decodeIfPresent(Bool.self, forKey: .all) ?? false,
                after: try container.decodeIfPresent(Int64.self, forKey: .afterId) ?? 0,
                limit: try container.decodeIfPresent(Int.self, forKey: .limit))
        case "show":
            self = .show(id: try container.decode(Int64.self, forKey: .id))
        case "logs":
            self = .logs(
                id: try container.decode(Int64.self, forKey: .id),
                follow: try container.decodeIfPresent(Bool.self, forKey: .follow) ?? false,
                fromOffset: try container.decodeIfPresent(Int64.self, forKey: .fromOffset) ?? 0)
        case "cancel":
            self = .cancel(ids: try container.decode([Int64].self, forKey: .ids))
        case "wait":
            self = .wait(ids: try container.decode([Int64].self, forKey: .ids))
        case "retry":
            self = .retry(id: try container.decode(Int64.self, forKey: .id))
        case "remove":
            self = .remove(id: try container.decode(Int64.self, forKey: .id))
        case "result":
            self = .result(id: try container.decode(Int64.self, forKey: .id))
        case "fetchFile":
            self = .fetchFile(
                id: try container.decode(Int64.self, forKey: .id),
                name: try container.decode(String.self, forKey: .name),
                offset: try container.decodeIfPresent(Int64.self, forKey: .offset) ?? 0)
        case "models": self = .models
        case "drain": self = .drain
        case "resume": self = .resume
        case "setParallelism":
            self = .setParallelism(
                group: try container.decode(String.self, forKey: .group),
                count: try container.decode(Int.self, forKey: .count))
        case "shutdown": self = .shutdown
        case "reload": self = .reload
        case "status": self = .status
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .op, in: container, debugDescription: "unknown op \"\(operation)\"")
        }
    }

    /// Encodes the request as a flat JSON object with its `op`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(operation, forKey: .op)
        switch self {
        case .submit(let spec, let priority, let after):
            try container.encode(spec, forKey: .spec)
            try container.encode(priority, forKey: .priority)
            try container.encode(after, forKey: .after)
        case .list(let all, let after, let limit):
            try container.encode(all, forKey: .all)
            if after != 0 { try container.encode(after, forKey: .afterId) }
            try container.encodeIfPresent(limit, forKey: .limit)
        case .show(let id), .retry(let id), .remove(let id), .result(let id):
            try container.encode(id, forKey: .id)
        case .logs(let id, let follow, let fromOffset):
            try container.encode(id, forKey: .id)
            try container.encode(follow, forKey: .follow)
            try container.encode(fromOffset, forKey: .fromOffset)
        case .cancel(let ids), .wait(let ids):
            try container.encode(ids, forKey: .ids)
        case .fetchFile(let id, let name, let offset):
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(offset, forKey: .offset)
        case .setParallelism(let group, let count):
            try container.encode(group, forKey: .group)
            try container.encode(count, forKey: .count)
        case .models, .drain, .resume, .shutdown, .reload, .status:
            break
        }
    }
}
