import Foundation
import Glibc

/// Reads facts about processes from `/proc`.
public enum ProcessInspector {
    /// The start time of process `pid` in clock ticks since boot (field 22 of `/proc/<pid>/stat`),
    /// or nil when there is no such process.
    ///
    /// With the pid it identifies a process uniquely: a later process that reuses the pid starts later.
    public static func startTime(of pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return startTime(fromStatLine: text)
    }

    /// Field 22 of a `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may
    /// contain spaces or parentheses itself, so fields are counted after the last `)`.
    public static func startTime(fromStatLine line: String) -> UInt64? {
        guard let closing = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: closing)...].split(separator: " ")
        // After ")" come fields 3, 4, ...; field 22 is at index 19.
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// Whether process `pid` exists and started at `startTime`, that is, is still the same process.
    public static func isAlive(pid: Int32, startTime: UInt64) -> Bool {
        guard pid > 0, let current = ProcessInspector.startTime(of: pid) else { return false }
        guard current == startTime else { return false }
        // A zombie still has a stat file; it is gone for our purposes.
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let closing = text.lastIndex(of: ")")
        else { return false }
        let state = text[text.index(after: closing)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }
}
