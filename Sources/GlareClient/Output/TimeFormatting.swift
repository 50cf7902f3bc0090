import Glibc

/// Durations and timestamps as glarectl prints them.
public enum TimeFormatting {
    /// A short age or duration: `45s`, `12m`, `3h05m`, `2d04h`. Negative values print as `0s`.
    public static func shortDuration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = max(0, Int(seconds.rounded(.down)))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" }
        if total < 86_400 { return PrintfFormatting.format("%ldh%02ldm", total / 3600, total % 3600 / 60) }
        return PrintfFormatting.format("%ldd%02ldh", total / 86_400, total % 86_400 / 3600)
    }

    /// A clock-style duration for ETAs: `0:42`, `12:05`, `1:02:03`.
    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = max(0, Int(seconds.rounded()))
        let hours = total / 3600
        let minutes = total % 3600 / 60
        let remainder = total % 60
        return hours > 0
            ? PrintfFormatting.format("%ld:%02ld:%02ld", hours, minutes, remainder)
            : PrintfFormatting.format("%ld:%02ld", minutes, remainder)
    }

    /// A timestamp in seconds since the epoch as ISO 8601 with the offset, to the second:
    /// `2026-12-04T19:05:21+01:00`, or `...Z` when the offset is zero.
    ///
    /// - Parameter utcOffset: the zone's offset from UTC in seconds; nil for the local zone, which
    ///   the C library reads from `TZ` or `/etc/localtime`. (FoundationEssentials' `TimeZone.current`
    ///   would be UTC everywhere: named zones need FoundationInternationalization's ICU.)
    public static func timestamp(_ secondsSinceEpoch: Double, utcOffset: Int? = nil) -> String {
        let seconds = secondsSinceEpoch.isFinite ? Int(secondsSinceEpoch.rounded(.down)) : 0
        var fields = tm()
        if let utcOffset {
            var shifted = time_t(seconds + utcOffset)
            gmtime_r(&shifted, &fields)
            fields.tm_gmtoff = utcOffset
        } else {
            var instant = time_t(seconds)
            localtime_r(&instant, &fields)
        }

        let date = PrintfFormatting.format(
            "%04ld-%02ld-%02ldT%02ld:%02ld:%02ld", Int(fields.tm_year) + 1900, Int(fields.tm_mon) + 1,
            Int(fields.tm_mday), Int(fields.tm_hour), Int(fields.tm_min), Int(fields.tm_sec))
        let offsetMinutes = fields.tm_gmtoff / 60
        guard offsetMinutes != 0 else { return date + "Z" }
        let sign = offsetMinutes < 0 ? "-" : "+"
        return date + sign + PrintfFormatting.format("%02ld:%02ld", abs(offsetMinutes) / 60, abs(offsetMinutes) % 60)
    }
}
