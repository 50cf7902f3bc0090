/// Why a `JobStore` operation was refused or failed.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database file is damaged or not a SQLite database; it is left untouched.
    case corruptDatabase(path: String, detail: String)
    /// The database file could not be opened or created (missing directory, no permission).
    case cannotOpen(path: String, detail: String)
    /// The database was written by a newer glare whose schema this build does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// No job has this id.
    case notFound(id: Int64)
    /// A dependency named at submit time does not exist.
    case unknownDependency(id: Int64)
    /// The owner already has `limit` jobs waiting.
    case queueLimitReached(owner: UInt32, limit: Int)
    /// The job is in a state that does not allow the operation (for example cancelling a finished job).
    case invalidState(id: Int64, state: JobState, operation: String)
    /// A supervisor call carried an attempt that is no longer the job's current one.
    case staleAttempt(id: Int64, attempt: Int, current: Int)
    /// `finish` was called with a state that is not final.
    case notFinalState(JobState)
    /// Other jobs still wait on this one, so it cannot be removed.
    case hasWaitingDependents(id: Int64, dependents: [Int64])
    /// A stored value could not be decoded (a spec or progress JSON written by hand, for example).
    case undecodableRow(id: Int64, column: String, detail: String)
    /// SQLite failed.
    case database(DatabaseError)

    /// A sentence for a log or a user.
    public var description: String {
        switch self {
        case .corruptDatabase(let path, let detail):
            return "the queue database \(path) is damaged or not a database (\(detail)); it was left as it is: "
                + "stop glared, move the file aside (keep it for recovery, for example with `sqlite3 \(path) "
                + ".recover`) or restore a backup, then start glared again to begin an empty queue"
        case .cannotOpen(let path, let detail):
            return "cannot open the queue database \(path) (\(detail)): check that its directory exists and "
                + "that glared may write to it"
        case .newerSchema(let path, let found, let supported):
            return "the queue database \(path) has schema version \(found) but this glare knows up to "
                + "\(supported); run the newer glared or restore a backup"
        case .notFound(let id):
            return "no job \(id)"
        case .unknownDependency(let id):
            return "dependency \(id) does not exist"
        case .queueLimitReached(let owner, let limit):
            return "user \(owner) already has \(limit) jobs waiting, the most allowed"
        case .invalidState(let id, let state, let operation):
            return "cannot \(operation) job \(id): it \(Self.phrase(for: state))"
        case .staleAttempt(let id, let attempt, let current):
            return "job \(id) attempt \(attempt) is stale (current attempt \(current))"
        case .notFinalState(let state):
            return "\(state.rawValue) is not a final state"
        case .hasWaitingDependents(let id, let dependents):
            let list = dependents.map(String.init).joined(separator: ", ")
            return "cannot remove job \(id): jobs \(list) wait on it"
        case .undecodableRow(let id, let column, let detail):
            return "job \(id) has an unreadable \(column): \(detail)"
        case .database(let error):
            return error.description
        }
    }

    /// How a message says a job is in `state`: "is running", "has succeeded", "was cancelled".
    static func phrase(for state: JobState) -> String {
        switch state {
        case .queued, .running: return "is \(state.rawValue)"
        case .succeeded, .failed: return "has \(state.rawValue)"
        case .cancelled, .interrupted: return "was \(state.rawValue)"
        }
    }
}
