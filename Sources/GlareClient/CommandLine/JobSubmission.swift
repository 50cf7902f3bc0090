import FoundationEssentials
import GlareProtocol

/// A job to submit, built from a `train`, `evaluate`, `infer` or `extract` command line.
///
/// Paths are made absolute here, against the client's working directory, because the worker
/// that reads them runs elsewhere (in the daemon's working directory, as the job's owner).
public struct JobSubmission: Sendable, Equatable {
    /// What the job does.
    public var spec: JobSpec
    /// The job's priority among the owner's jobs.
    public var priority: Int
    /// Jobs that must succeed first.
    public var after: [Int64]

    /// Creates a submission.
    public init(spec: JobSpec, priority: Int = 0, after: [Int64] = []) {
        self.spec = spec
        self.priority = priority
        self.after = after
    }

    /// Builds the submission a parsed command line asks for.
    ///
    /// - Parameters:
    ///   - workingDirectory: the directory relative paths are taken from.
    ///   - environment: where a path's leading `~` finds `HOME`.
    public init(
        _ arguments: ParsedArguments, workingDirectory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(UsageError) {
        guard let kind = JobKind(rawValue: arguments.command) else {
            throw .invalid("'\(arguments.command)' does not submit a job")
        }
        var spec = JobSpec(kind: kind)
        let absolute = { (path: String) in
            JobSubmission.absolutePath(path, in: workingDirectory, environment: environment)
        }

        switch kind {
        case .train, .extract:
            spec.dataset = try JobSubmission.dataset(arguments, absolute: absolute)
        case .evaluate:
            spec.model = try JobSubmission.model(arguments, absolute: absolute)
            spec.dataset = try JobSubmission.dataset(arguments, absolute: absolute)
        case .infer:
            spec.model = try JobSubmission.model(arguments, absolute: absolute)
            spec.inputs = arguments.positionals.map(absolute)
        }

        if kind == .train {
            spec.name = arguments.value("name")
            spec.epochs = try arguments.integer("epochs", in: 1...1_000_000)
            spec.variant = arguments.value("variant")
        }
        spec.group = arguments.value("group")
        spec.options = try JobSubmission.options(arguments.allValues("option"))

        self.init(
            spec: spec, priority: try arguments.integer("priority", in: WireProtocol.priorities) ?? 0,
            after: try arguments.jobIds("after"))
        try checkSize()
    }

    /// A request must fit in one frame; thousands of files named one by one (a shell's `photos/*`)
    /// may not, and their folder says the same in a few bytes.
    private func checkSize() throws(UsageError) {
        let request = Request.submit(spec: spec, priority: priority, after: after)
        guard let payload = try? WireProtocol.makeEncoder().encode(request),
            payload.count > WireProtocol.maximumFrameSize
        else { return }
        let megabytes = Double(payload.count) / Double(1 << 20)
        let rounded = (megabytes * 10).rounded(.up) / 10
        guard spec.inputs.count > 1 else {
            throw .invalid("the job's request is \(rounded) MiB, more than glared takes in one request (1 MiB)")
        }
        throw .invalid(
            "the job names \(spec.inputs.count) inputs, \(rounded) MiB in all, more than glared takes in one "
                + "request (1 MiB); name the folder that holds them instead")
    }

    /// `path` as an absolute, standardised path: a leading `~` expanded (see `TildeExpansion`), then
    /// taken from `workingDirectory` when relative.
    public static func absolutePath(
        _ path: String, in workingDirectory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        let expanded = TildeExpansion.expand(path, environment: environment)
        let url =
            expanded.hasPrefix("/")
            ? URL(fileURLWithPath: expanded) : URL(fileURLWithPath: workingDirectory).appendingPathComponent(expanded)
        return url.standardizedFileURL.path
    }

    /// The `--dataset` spec, checked for syntax, with a relative location made absolute by `absolute`.
    static func dataset(_ arguments: ParsedArguments, absolute: (String) -> String) throws(UsageError) -> String {
        guard let text = arguments.value("dataset") else {
            throw .missingArgument("--dataset SPEC", command: arguments.command)
        }
        var dataset: DatasetSpec
        do {
            dataset = try DatasetSpec(parsing: text)
        } catch {
            throw .badValue(option: "--dataset", value: text, expected: "a dataset spec: \(error)")
        }
        // A builtin dataset's location is a name, not a path.
        guard dataset.kind != .builtin else { return text }
        dataset.location = absolute(dataset.location)
        return dataset.description
    }

    /// The `--model` reference: a name or a job id as given, a path (it has a `/`, ends in
    /// `.glare` or names an existing file) made absolute by `absolute`.
    static func model(_ arguments: ParsedArguments, absolute: (String) -> String) throws(UsageError) -> String {
        guard let text = arguments.value("model"), !text.isEmpty else {
            throw .missingArgument("--model MODEL", command: arguments.command)
        }
        if Int64(text) != nil { return text }
        let looksLikePath =
            text.contains("/") || text.hasSuffix(".glare")
            || FileManager.default.fileExists(atPath: absolute(text))
        return looksLikePath ? absolute(text) : text
    }

    /// `--option key=value` pairs as a dictionary; a repeated key keeps its last value.
    static func options(_ pairs: [String]) throws(UsageError) -> [String: String] {
        var options: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw .badValue(option: "--option", value: pair, expected: "key=value")
            }
            options[String(parts[0])] = String(parts[1])
        }
        return options
    }
}
