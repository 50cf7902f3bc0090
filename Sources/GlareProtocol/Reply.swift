import FoundationEssentials

/// What the daemon answers, discriminated by `type`.
///
/// On the wire each reply is a flat JSON object, for example `{"type": "ok"}`,
/// `{"type": "error", "code": "not_found", "message": "no job 7"}` or
/// `{"type": "logChunk", "data": "<base64>", "offset": 4096}`. Binary data travels as base64.
public enum Reply: Sendable, Equatable {
    /// The request was done.
    case ok
    /// The request failed.
    case error(code: ErrorCode, message: String)
    /// One job (`show`).
    case job(JobRecord)
    /// Several jobs (`list`).
    case jobs([JobRecord], more: Bool = false)
    /// The job a `submit` or `retry` created.
    case submitted(JobRecord)
    /// Log bytes starting at byte `offset` of the log (`logs`).
    case logChunk(data: Data, offset: Int64)
    /// The end of a log stream, with the job's state at that moment (final when following).
    case logEnd(state: JobState)
    /// A job's result files (`result`).
    case files([ResultFile])
    /// Bytes of result file `name` starting at `offset` (`fetchFile`); `isLast` on the final chunk.
    case fileChunk(name: String, data: Data, offset: Int64, isLast: Bool)
    /// Trained models (`models`).
    case models([ModelEntry])
    /// Queue counts and daemon state (`status`, `setParallelism`).
    case status(StatusReport)
    /// One item a job, for requests naming several (`cancel`, `wait`).
    case batch([BatchItem])

    /// The `type` value naming this reply on the wire.
    public var type: String {
        switch self {
        case .ok: return "ok"
        case .error: return "error"
        case .job: return "job"
        case .jobs: return "jobs"
        case .submitted: return "submitted"
        case .logChunk: return "logChunk"
        case .logEnd: return "logEnd"
        case .files: return "files"
        case .fileChunk: return "fileChunk"
        case .models: return "models"
        case .status: return "status"
        case .batch: return "batch"
        }
    }

    /// An error reply for `error`.
    public static func error(_ error: ErrorReply) -> Reply { .error(code: error.code, message: error.message) }

    /// The error reply a protocol failure gets.
    public static func error(_ error: ProtocolError) -> Reply {
        .error(code: error.replyCode, message: error.description)
    }
}

extension Reply: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, code, message, job, jobs, more, data, offset, state, files, name, isLast, models, status, items
    }

    /// Decodes a reply from its flat JSON object.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "ok": self = .ok
        case "error":
            self = .error(
                code: try container.decode(ErrorCode.self, forKey: .code),
                message: try container.decode(String.self, forKey: .message))
        case "job": self = .job(try container.decode(JobRecord.self, forKey: .job))
        case "jobs":
            self = .jobs(
                try container.decode([JobRecord].self, forKey: .jobs),
                more: try container.decodeIfPresent(Bool.self, forKey: .more) ?? false)
        case "submitted": self = .submitted(try container.decode(JobRecord.self, forKey: .job))
        case "logChunk":
            self = .logChunk(
                data: try container.decode(Data.self, forKey: .data),
                offset: try container.decode(Int64.self, forKey: .offset))
        case "logEnd": self = .logEnd(state: try container.decode(JobState.self, forKey: .state))
        case "files": self = .files(try container.decode([ResultFile].self, forKey: .files))
        case "fileChunk":
            self = .fileChunk(
                name: try container.decode(String.self, forKey: .name),
                data: try container.decode(Data.self, forKey: .data),
                offset: try container.decode(Int64.self, forKey: .offset),
                isLast: try container.decode(Bool.self, forKey: .isLast))
        case "models": self = .models(try container.decode([ModelEntry].self, forKey: .models))
        case "status": self = .status(try container.decode(StatusReport.self, forKey: .status))
        case "batch": self = .batch(try container.decode([BatchItem].self, forKey: .items))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown reply type \"\(type)\"")
        }
    }

    /// Encodes the reply as a flat JSON object with its `type`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .ok:
            break
        case .error(let code, let message):
            try container.encode(code, forKey: .code)
            try container.encode(message, forKey: .message)
        case .job(let job), .submitted(let job):
            try container.encode(job, forKey: .job)
        case .jobs(let jobs, let more):
            try container.encode(jobs, forKey: .jobs)
            if more { try container.encode(more, forKey: .more) }
        case .logChunk(let data, let offset):
            try container.encode(data, forKey: .data)
            try container.encode(offset, forKey: .offset)
        case .logEnd(let state):
            try container.encode(state, forKey: .state)
        case .files(let files):
            try container.encode(files, forKey: .files)
        case .fileChunk(let name, let data, let offset, let isLast):
            try container.encode(name, forKey: .name)
            try container.encode(data, forKey: .data)
            try container.encode(offset, forKey: .offset)
            try container.encode(isLast, forKey: .isLast)
        case .models(let models):
            try container.encode(models, forKey: .models)
        case .status(let status):
            try container.encode(status, forKey: .status)
        case .batch(let items):
            try container.encode(items, forKey: .items)
        }
    }
}
