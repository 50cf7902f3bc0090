import CSystemd
import Foundation
import Glibc

/// The daemon's log: structured journal entries under systemd, plain lines on stderr otherwise.
///
/// Each entry is a short constant message plus fields (`GLARE_JOB`, `GLARE_USER`, ...). Under
/// systemd (stderr is the journal stream named by `JOURNAL_STREAM`) entries go through
/// `sd_journal_sendv`, so the fields are searchable (`journalctl GLARE_JOB=12`); anywhere else a
/// line `glared[<level>] message key=value ...` goes to stderr.
public final class JournalLog: Sendable {
    /// Syslog priorities, as the journal's `PRIORITY` field takes them.
    public enum Priority: Int, Sendable, Comparable {
        /// Something is broken and needs an operator.
        case error = 3
        /// Something went wrong for one job or one client; the daemon goes on.
        case warning = 4
        /// A lifecycle fact: started, stopped, job finished.
        case notice = 5
        /// Routine facts.
        case info = 6
        /// Detail for debugging.
        case debug = 7

        /// Orders by severity value.
        public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }

        fileprivate var label: String {
            switch self {
            case .error: return "error"
            case .warning: return "warning"
            case .notice: return "notice"
            case .info: return "info"
            case .debug: return "debug"
            }
        }
    }

    /// Where entries go.
    public enum Destination: Sendable, Equatable {
        /// `sd_journal_sendv`.
        case journal
        /// Lines on standard error.
        case standardError
        /// Nowhere (tests that want quiet).
        case discard
    }

    /// Where this log writes.
    public let destination: Destination
    /// Entries less severe than this are dropped.
    public let threshold: Priority
    private let identifier: String
    private let lock = NSLock()

    /// Creates a log; the destination defaults to what `detectDestination()` finds.
    public init(
        identifier: String = "glared", destination: Destination = JournalLog.detectDestination(),
        threshold: Priority = .info
    ) {
        self.identifier = identifier
        self.destination = destination
        self.threshold = threshold
    }

    /// `.journal` when standard error is the journal stream systemd connected (`JOURNAL_STREAM`
    /// holds its device and inode), `.standardError` otherwise.
    public static func detectDestination(
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> Destination
    {
        guard let stream = environment["JOURNAL_STREAM"] else { return .standardError }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else {
            return .standardError
        }
        var status = stat()
        guard fstat(2, &status) == 0 else { return .standardError }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode ? .journal : .standardError
    }

    /// Logs `message` with `fields` (keys are upper-case journal field names without the prefix,
    /// for example `["GLARE_JOB": "12"]`).
    public func log(_ priority: Priority, _ message: String, _ fields: [String: String] = [:]) {
        guard priority <= threshold else { return }
        switch destination {
        case .discard:
            return
        case .journal:
            if sendToJournal(priority, message, fields) { return }
            writeLine(priority, message, fields)
        case .standardError:
            writeLine(priority, message, fields)
        }
    }

    /// An error entry.
    public func error(_ message: String, _ fields: [String: String] = [:]) { log(.error, message, fields) }
    /// A warning entry.
    public func warning(_ message: String, _ fields: [String: String] = [:]) { log(.warning, message, fields) }
    /// A notice entry.
    public func notice(_ message: String, _ fields: [String: String] = [:]) { log(.notice, message, fields) }
    /// An info entry.
    public func info(_ message: String, _ fields: [String: String] = [:]) { log(.info, message, fields) }

    /// The stderr form of an entry: `glared[notice] job finished GLARE_JOB=12 GLARE_STATE=succeeded`.
    public func formatLine(_ priority: Priority, _ message: String, _ fields: [String: String]) -> String {
        var line = "\(identifier)[\(priority.label)] \(message)"
        for key in fields.keys.sorted() {
            let value = fields[key]!
            let quoted = value.contains(" ") || value.isEmpty ? "\"\(value)\"" : value
            line += " \(key)=\(quoted)"
        }
        return line.replacingOccurrences(of: "\n", with: " ")
    }

    private func writeLine(_ priority: Priority, _ message: String, _ fields: [String: String]) {
        let line = formatLine(priority, message, fields) + "\n"
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// One `iovec` per `KEY=value`; returns false when the journal refused the entry.
    private func sendToJournal(_ priority: Priority, _ message: String, _ fields: [String: String]) -> Bool {
        var assignments = [
            "MESSAGE=\(message)", "PRIORITY=\(priority.rawValue)", "SYSLOG_IDENTIFIER=\(identifier)",
        ]
        for key in fields.keys.sorted() { assignments.append("\(key)=\(fields[key]!)") }
        let buffers = assignments.map { Array($0.utf8) }
        return buffers.withUnsafeBufferPointers { pointers in
            var vectors = pointers.map {
                iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count)
            }
            return sd_journal_sendv(&vectors, Int32(vectors.count)) == 0
        }
    }
}

extension Array where Element == [UInt8] {
    /// Calls `body` with a stable pointer to each array's bytes at once.
    fileprivate func withUnsafeBufferPointers<Result>(
        _ body: ([UnsafeBufferPointer<UInt8>]) -> Result
    ) -> Result {
        func nest(_ index: Int, _ collected: [UnsafeBufferPointer<UInt8>]) -> Result {
            guard index < count else { return body(collected) }
            return self[index].withUnsafeBufferPointer { nest(index + 1, collected + [$0]) }
        }
        return nest(0, [])
    }
}
