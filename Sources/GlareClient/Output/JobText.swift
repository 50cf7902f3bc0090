import FoundationEssentials
import GlareProtocol

/// Jobs as glarectl prints them for people: the `list` table and the `show` page.
public enum JobText {
    /// The `list` table: id, owner, kind, group, state, age, progress.
    public static func table(_ jobs: [JobRecord], now: Double = Date().timeIntervalSince1970) -> String {
        var table = TextTable(header: ["ID", "OWNER", "KIND", "GROUP", "STATE", "AGE", "PROGRESS"])
        for job in jobs {
            table.rows.append([
                String(job.id), job.ownerName, job.spec.kind.rawValue, job.group, job.state.rawValue,
                TimeFormatting.shortDuration(now - job.createdAt), job.progress.map(ProgressText.compact) ?? "",
            ])
        }
        return table.render()
    }

    /// The `show` page: one `field: value` line each, absent fields left out, control characters
    /// shown as escapes.
    public static func page(_ job: JobRecord) -> String {
        var fields: [(String, String)] = [
            ("id", String(job.id)),
            ("kind", job.spec.kind.rawValue),
            ("state", job.state.rawValue),
            ("owner", "\(job.ownerName) (uid \(job.owner))"),
            ("group", job.group),
            ("priority", String(job.priority)),
        ]
        if !job.dependencies.isEmpty {
            fields.append(("after", job.dependencies.map(String.init).joined(separator: ", ")))
        }
        fields += specFields(job.spec)
        fields.append(("created", TimeFormatting.timestamp(job.createdAt)))
        if let startedAt = job.startedAt { fields.append(("started", TimeFormatting.timestamp(startedAt))) }
        if let finishedAt = job.finishedAt { fields.append(("finished", TimeFormatting.timestamp(finishedAt))) }
        if let progress = job.progress { fields.append(("progress", ProgressText.line(progress))) }
        if let reason = job.reason, !reason.isEmpty { fields.append(("reason", reason)) }
        if job.restarts > 0 { fields.append(("restarts", String(job.restarts))) }
        if let summary = job.summary, !summary.isEmpty {
            let figures = summary.sorted { $0.key < $1.key }.map { "\($0.key)=\(figure($0.value))" }
            fields.append(("summary", figures.joined(separator: " ")))
        }

        let width = (fields.map(\.0.count).max() ?? 0) + 1
        return fields.map { TextTable.padded($0.0 + ":", toWidth: width + 1) + PrintableText.escaped($0.1) + "\n" }
            .joined()
    }

    /// The one-line outcome `wait` and `--follow` print for a job that did not succeed.
    public static func outcome(_ job: JobRecord) -> String {
        // A reason that only repeats the state ("cancelled") adds nothing.
        guard let reason = job.reason, reason != job.state.rawValue else {
            return "job \(job.id) \(job.state.rawValue)"
        }
        return "job \(job.id) \(job.state.rawValue): \(PrintableText.escaped(reason))"
    }

    /// A whole number without decimals (counts, epochs), anything else as `ProgressText.number` does.
    static func figure(_ value: Double) -> String {
        if value.isFinite, value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return ProgressText.number(value)
    }

    private static func specFields(_ spec: JobSpec) -> [(String, String)] {
        var fields: [(String, String)] = []
        if let dataset = spec.dataset { fields.append(("dataset", dataset)) }
        if let model = spec.model { fields.append(("model", model)) }
        if let modelPath = spec.modelPath, modelPath != spec.model { fields.append(("model file", modelPath)) }
        if !spec.inputs.isEmpty { fields.append(("inputs", spec.inputs.joined(separator: " "))) }
        if let name = spec.name { fields.append(("name", name)) }
        if let epochs = spec.epochs { fields.append(("epochs", String(epochs))) }
        if let variant = spec.variant { fields.append(("variant", variant)) }
        if !spec.options.isEmpty {
            fields.append(
                ("options", spec.options.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")))
        }
        return fields
    }
}
