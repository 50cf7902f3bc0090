import Foundation

/// Durations and timestamps as glarectl prints them.
public enum TimeFormatting {
    /// A short age or duration: `45s`, `12m`, `3h05m`, `2d04h`. Negative values print as `0s`.
    public static func shortDuration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = max(0, Int(seconds.rounded(.down)))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" }
        if total < 86_400 { return String(format: "%dh%02dm", total / 3600, total % 3600 / 60) }
        return String(format: "%dd%02dh", total / 86_400, total % 86_400 / 3600)
    }

    /// A clock-style duration for ETAs: `0:42`, `12:05`, `1:02:03`.
    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = max(0, Int(seconds.rounded()))
        let hours = total / 3600
        let minutes = total % 3600 / 60
        let remainder = total % 60
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, remainder) : String(format: "%d:%02d", minutes, remainder)
    }

    /// A timestamp in seconds since the epoch as local ISO 8601 with the offset, to the second.
    public static func timestamp(_ secondsSinceEpoch: Double, timeZone: TimeZone = .current) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: secondsSinceEpoch))
    }
}
