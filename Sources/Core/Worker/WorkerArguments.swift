/// The command line glared gives `glare-worker`.
///
/// `glare-worker --job-dir DIR --job-id N [--cache-dir DIR] [--uid U --gid G] [--log-max-bytes N]`
public struct WorkerArguments: Sendable, Equatable {
    /// The job's directory.
    public var jobDirectory: String
    /// The job's id.
    public var jobId: Int64
    /// The landmark cache; when absent, `$XDG_CACHE_HOME/glare/landmarks` or `~/.cache/glare/landmarks`.
    public var cacheDirectory: String?
    /// The user to become before anything else (glared runs as root).
    public var uid: UInt32?
    /// The primary group to take with `uid`.
    public var gid: UInt32?
    /// Standard output stops reaching the log at this size; nil for no cap.
    public var logMaxBytes: Int64?

    /// Creates arguments.
    public init(
        jobDirectory: String, jobId: Int64, cacheDirectory: String? = nil, uid: UInt32? = nil, gid: UInt32? = nil,
        logMaxBytes: Int64? = nil
    ) {
        self.logMaxBytes = logMaxBytes
        self.jobDirectory = jobDirectory
        self.jobId = jobId
        self.cacheDirectory = cacheDirectory
        self.uid = uid
        self.gid = gid
    }

    /// Parses the arguments after the program name.
    public init(parsing arguments: [String]) throws(ConfigurationError) {
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard ["--job-dir", "--job-id", "--cache-dir", "--uid", "--gid", "--log-max-bytes"].contains(name) else {
                throw .badArgument("unknown argument \(name)")
            }
            guard index + 1 < arguments.count else { throw .badArgument("\(name) needs a value") }
            values[name] = arguments[index + 1]
            index += 2
        }
        guard let directory = values["--job-dir"] else { throw .badArgument("--job-dir is required") }
        guard let idText = values["--job-id"], let id = Int64(idText) else {
            throw .badArgument("--job-id needs a job id")
        }
        let uid = try values["--uid"].map { text throws(ConfigurationError) -> UInt32 in
            guard let value = UInt32(text) else { throw .badArgument("--uid needs a number") }
            return value
        }
        let gid = try values["--gid"].map { text throws(ConfigurationError) -> UInt32 in
            guard let value = UInt32(text) else { throw .badArgument("--gid needs a number") }
            return value
        }
        guard (uid == nil) == (gid == nil) else { throw .badArgument("--uid and --gid go together") }
        let logMaxBytes = try values["--log-max-bytes"].map { text throws(ConfigurationError) -> Int64 in
            guard let value = Int64(text), value > 0 else {
                throw .badArgument("--log-max-bytes needs a positive number")
            }
            return value
        }
        self.init(
            jobDirectory: directory, jobId: id, cacheDirectory: values["--cache-dir"], uid: uid, gid: gid,
            logMaxBytes: logMaxBytes)
    }
}
