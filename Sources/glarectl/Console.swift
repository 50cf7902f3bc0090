import FoundationEssentials
import GlareClient
import Glibc

/// Writes to standard output and standard error without buffering surprises.
///
/// A reader that went away (`glarectl logs -f | head`) ends glarectl quietly with success,
/// the way other command-line tools behave when their pipe closes.
enum Console {
    /// Whether standard error is a terminal, so a progress line can be rewritten in place.
    static let errorIsTerminal = isatty(STDERR_FILENO) == 1

    /// The terminal's width for the progress line: asked of the terminal on standard error, then
    /// `$COLUMNS`, then 80. Asked each time, so a resized window is followed.
    static var terminalWidth: Int {
        if let columns = try? TerminalSize.columns(of: STDERR_FILENO) { return columns }
        return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
    }

    /// Writes `text` to standard output.
    static func out(_ text: String) { write(Array(text.utf8), to: STDOUT_FILENO) }

    /// Writes bytes to standard output as they are.
    static func out(bytes: Data) { write(Array(bytes), to: STDOUT_FILENO) }

    /// Writes `text` to standard error.
    static func error(_ text: String) { write(Array(text.utf8), to: STDERR_FILENO) }

    /// Writes a message for people to standard error, prefixed with the program's name, on one
    /// line: control characters (a path from the daemon may hold any) are shown as escapes.
    static func message(_ text: String) { error("glarectl: \(PrintableText.escaped(text))\n") }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
        let failure = bytes.withUnsafeBytes { DescriptorWriter.writeAll($0) { Glibc.write(descriptor, $0, $1) } }
        guard let failure else { return }
        // Nowhere left to report a failure: the stream for reports is the one failing.
        exit(failure == EPIPE ? ExitStatus.success.rawValue : ExitStatus.daemonError.rawValue)
    }
}
