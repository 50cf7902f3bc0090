import GlareProtocol

/// A progress event in one short line: what `list` shows and what `--follow` keeps rewriting.
///
/// An epoch event reads `epoch 3/10  loss 0.512  acc 81.2%  val 79.0%  eta 0:42`; other phases
/// read `predicting 12/40` or the phase and its message.
public enum ProgressText {
    /// The full line for `--follow` and `show`.
    public static func line(_ event: ProgressEvent) -> String {
        var parts = [phaseAndCount(event)]
        if let loss = event.metrics["loss"] { parts.append("loss " + number(loss)) }
        if let accuracy = event.metrics["accuracy"] { parts.append("acc " + percent(accuracy)) }
        if let validation = event.metrics["validation_accuracy"] { parts.append("val " + percent(validation)) }
        if let eta = event.metrics["eta_seconds"] { parts.append("eta " + TimeFormatting.clock(eta)) }
        if let message = event.message, !message.isEmpty { parts.append(message) }
        return parts.joined(separator: "  ")
    }

    /// A compact form for the `list` table: the phase, the count and the loss.
    public static func compact(_ event: ProgressEvent) -> String {
        var text = phaseAndCount(event)
        if let loss = event.metrics["loss"] { text += " loss " + number(loss) }
        return text
    }

    /// `epoch 3/10`, `predicting 12`, or the phase alone.
    static func phaseAndCount(_ event: ProgressEvent) -> String {
        switch (event.done, event.total) {
        case (let done?, let total?): return "\(event.phase) \(done)/\(total)"
        case (let done?, nil): return "\(event.phase) \(done)"
        default: return event.phase
        }
    }

    /// Three significant decimals; `nan` and `inf` as words.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        return PrintfFormatting.format("%.3f", value)
    }

    /// A fraction as a percentage with one decimal.
    static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return number(fraction) }
        return PrintfFormatting.format("%.1f%%", fraction * 100)
    }
}
