/// Reads glared's configuration format: one `key = value` a line.
///
/// Blank lines and lines starting with `#` are ignored; spaces around the key and value are
/// trimmed; a value may be wrapped in double quotes. Unknown keys and repeated keys are errors
/// (a typo must not silently leave a default in force).
public enum ConfigurationParser {
    /// The keys besides `parallelism.<group>`, as docs/configuration.md lists them.
    public static let knownKeys: Set<String> = [
        "socket", "state_dir", "default_parallelism", "grace_seconds", "openblas_threads", "max_restarts",
        "retention_days", "retention_count", "cache_days", "log_max_bytes", "admin_group", "max_queued_per_user",
        "max_running_per_user", "max_running_per_user_per_group", "max_connections", "max_connections_per_user",
        "idle_seconds", "log_level", "launcher",
    ]

    /// Parses `text`, naming `path` in errors.
    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        var seen: Set<String> = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }

            func bad(_ detail: String) -> ConfigurationError { .badLine(path: path, line: lineNumber, detail: detail) }
            guard let equals = line.firstIndex(of: "=") else { throw bad("expected key = value, got \"\(line)\"") }
            let key = line[..<equals].trimmingSpaces()
            var value = line[line.index(after: equals)...].trimmingSpaces()
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard !key.isEmpty else { throw bad("missing key before =") }
            guard seen.insert(key).inserted else { throw bad("\(key) is set twice") }
            do {
                try apply(key: key, value: value, to: &configuration)
            } catch let problem as ValueProblem {
                throw bad(problem.detail)
            } catch {
                throw bad("\(error)")
            }
        }
        return configuration
    }

    private struct ValueProblem: Error {
        var detail: String
    }

    private static func apply(key: String, value: String, to configuration: inout DaemonConfiguration) throws {
        if key.hasPrefix("parallelism.") {
            let group = String(key.dropFirst("parallelism.".count))
            guard !group.isEmpty else { throw ValueProblem(detail: "parallelism. needs a group name") }
            configuration.parallelism[group] = try integer(key, value, minimum: 0)
            return
        }
        switch key {
        case "socket": configuration.socketPath = try absolutePath(key, value)
        case "state_dir": configuration.stateDirectory = try absolutePath(key, value)
        case "default_parallelism": configuration.defaultParallelism = try integer(key, value, minimum: 0)
        // A day at most: a grace period is how long a cancelled job may take to stop.
        case "grace_seconds": configuration.graceSeconds = try number(key, value, minimum: 0, maximum: 86_400)
        case "openblas_threads": configuration.openblasThreads = try integer(key, value, minimum: 1)
        case "max_restarts": configuration.maxRestarts = try integer(key, value, minimum: 0)
        case "retention_days": configuration.retentionDays = try optional(value) { try number(key, $0, minimum: 0) }
        case "retention_count":
            configuration.retentionCount = try optional(value) { try integer(key, $0, minimum: 0) }
        case "cache_days": configuration.cacheDays = try optional(value) { try number(key, $0, minimum: 1) }
        case "log_max_bytes": configuration.logMaxBytes = Int64(try integer(key, value, minimum: 1024))
        case "admin_group":
            guard !value.isEmpty else { throw ValueProblem(detail: "admin_group must name a group") }
            configuration.adminGroup = value
        case "max_queued_per_user":
            configuration.maxQueuedPerUser = try optional(value) { try integer(key, $0, minimum: 1) }
        case "max_running_per_user":
            configuration.maxRunningPerUser = try optional(value) { try integer(key, $0, minimum: 1) }
        case "max_running_per_user_per_group":
            configuration.maxRunningPerUserPerGroup = try optional(value) { try integer(key, $0, minimum: 1) }
        case "max_connections": configuration.maxConnections = try integer(key, value, minimum: 1)
        case "max_connections_per_user": configuration.maxConnectionsPerUser = try integer(key, value, minimum: 1)
        case "idle_seconds": configuration.idleSeconds = try number(key, value, minimum: 1, maximum: 86_400)
        case "launcher":
            guard let method = DaemonConfiguration.WorkerLaunchMethod(rawValue: value) else {
                throw ValueProblem(detail: "launcher must be zygote or spawn")
            }
            configuration.launcher = method
        case "log_level":
            let levels: [String: JournalLog.Priority] = [
                "error": .error, "warning": .warning, "notice": .notice, "info": .info, "debug": .debug,
            ]
            guard let level = levels[value] else {
                throw ValueProblem(detail: "log_level must be one of error, warning, notice, info, debug")
            }
            configuration.logLevel = level
        default:
            throw ValueProblem(
                detail:
                    "unknown key \(key); known keys: parallelism.<group>, \(knownKeys.sorted().joined(separator: ", "))"
            )
        }
    }

    /// `none` (or an empty value) for no limit, otherwise the parsed value.
    private static func optional<Value>(_ value: String, _ parse: (String) throws -> Value) throws -> Value? {
        value.isEmpty || value == "none" ? nil : try parse(value)
    }

    private static func integer(_ key: String, _ value: String, minimum: Int) throws -> Int {
        guard let number = Int(value) else {
            throw ValueProblem(detail: "\(key) must be a whole number, got \"\(value)\"")
        }
        guard number >= minimum else { throw ValueProblem(detail: "\(key) must be at least \(minimum), got \(number)") }
        return number
    }

    private static func number(
        _ key: String, _ value: String, minimum: Double, maximum: Double = .greatestFiniteMagnitude
    ) throws -> Double {
        guard let number = Double(value), number.isFinite else {
            throw ValueProblem(detail: "\(key) must be a number, got \"\(value)\"")
        }
        guard number >= minimum else { throw ValueProblem(detail: "\(key) must be at least \(minimum), got \(value)") }
        guard number <= maximum else { throw ValueProblem(detail: "\(key) must be at most \(maximum), got \(value)") }
        return number
    }

    private static func absolutePath(_ key: String, _ value: String) throws -> String {
        guard value.hasPrefix("/") else {
            throw ValueProblem(detail: "\(key) must be an absolute path, got \"\(value)\"")
        }
        return value
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (and a carriage return).
    fileprivate func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
        return String(slice)
    }
}
