import FoundationEssentials
import GlareClient
import GlareProtocol

/// The commands about the daemon itself: status, drain, resume, shutdown, set-parallelism, reload.
extension Glarectl {
    func status() throws -> ExitStatus {
        let report = try connect().status()
        if arguments.has("json") {
            Console.out(JSONText.encode(report))
            return .success
        }
        // The version names the software itself, for example "glared 0.1.0".
        var lines = [report.version + (report.draining ? ", draining (not starting jobs)" : "")]
        let counts = JobState.allCases.map { "\($0.rawValue) \(report.counts[$0] ?? 0)" }
        lines.append("jobs: " + counts.joined(separator: ", "))
        if !report.parallelism.isEmpty {
            let groups = report.parallelism.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            lines.append("parallelism: " + groups.joined(separator: ", "))
        }
        lines.append("socket: \(socketPath)")
        Console.out(lines.joined(separator: "\n") + "\n")
        return .success
    }

    func administer() throws -> ExitStatus {
        let request: Request
        switch arguments.command {
        case "drain": request = .drain
        case "resume": request = .resume
        default: request = .shutdown
        }
        try connect().expectOK(request)
        return .success
    }

    /// `reload`: the settings now in force, as `status` prints them.
    func reload() throws -> ExitStatus {
        let report = try connect().reload()
        let groups = report.parallelism.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        Console.out("configuration reloaded; parallelism: \(groups.joined(separator: ", "))\n")
        return .success
    }

    func setParallelism() throws -> ExitStatus {
        let group = arguments.positionals[0]
        guard let count = Int(arguments.positionals[1]), count >= 0 else {
            throw UsageError.badValue(option: "COUNT", value: arguments.positionals[1], expected: "a whole number >= 0")
        }
        let report = try connect().setParallelism(group: group, count: count)
        Console.out("\(group) \(report.parallelism[group] ?? count)\n")
        return .success
    }
}
