/// One progress report from a running job, written by the worker and stored by the daemon.
///
/// The worker appends each event as one JSON line to `events.jsonl` in the job directory; the
/// daemon reads new lines and keeps the last one (throttled) in the queue. Reading a file rather
/// than a pipe keeps this working when the job runs on another machine (Slurm).
public struct ProgressEvent: Codable, Sendable, Equatable {
    /// A short phase name: `loading`, `extracting`, `epoch`, `evaluating`, `predicting`, `done`.
    public var phase: String
    /// Seconds since the Unix epoch when the event was made.
    public var time: Double
    /// Items done in this phase (epochs, files, samples), when it counts something.
    public var done: Int?
    /// Items in this phase, when known.
    public var total: Int?
    /// Named figures: `loss`, `accuracy`, `validation_accuracy`, `validation_macro_f1`,
    /// `seconds`, `eta_seconds` and so on.
    public var metrics: [String: Double]
    /// A short human-readable note.
    public var message: String?

    /// Creates an event.
    public init(
        phase: String, time: Double, done: Int? = nil, total: Int? = nil, metrics: [String: Double] = [:],
        message: String? = nil
    ) {
        self.phase = phase
        self.time = time
        self.done = done
        self.total = total
        self.metrics = metrics
        self.message = message
    }
}
