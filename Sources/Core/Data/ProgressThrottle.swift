import Foundation

/// Decides when a long loop reports progress: about every hundredth item, at most once per
/// `minimumInterval`, and always for the first and the last item, so a job's event file grows
/// by a bounded number of lines whatever the number of files.
public struct ProgressThrottle: Sendable {
    /// The phase the events carry.
    public let phase: String
    /// Items in the loop.
    public let total: Int
    /// Fewest seconds between two events, except the last.
    public let minimumInterval: Double

    private let step: Int
    private var lastDone = -1
    private var lastTime = -Double.infinity

    /// A throttle for `total` items.
    public init(phase: String, total: Int, minimumInterval: Double = 0.5) {
        self.phase = phase
        self.total = total
        self.minimumInterval = minimumInterval
        step = max(1, total / 100)
    }

    /// The event to report after `done` items, if one is due.
    public mutating func event(done: Int, message: String? = nil) -> ProgressEvent? {
        let now = Date().timeIntervalSince1970
        let isEdge = done == 0 || done >= total
        guard isEdge || (done - lastDone >= step && now - lastTime >= minimumInterval) else { return nil }
        guard done != lastDone else { return nil }
        lastDone = done
        lastTime = now
        return ProgressEvent(phase: phase, time: now, done: done, total: total, message: message)
    }
}
