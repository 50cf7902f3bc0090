import FoundationEssentials
import GlareProtocol

/// What `--follow` shows: the job's log on standard output and its progress on standard error.
///
/// On a terminal the progress is one line rewritten in place (`\r`, erase to end of line) and
/// cleared while log lines are printed above it; otherwise each new progress event is one plain
/// line. Log bytes are printed by whole lines so the progress line never splits one.
public final class FollowDisplay {
    private let isTerminal: Bool
    private let terminalWidth: Int
    private let writeOutput: (Data) -> Void
    private let writeError: (String) -> Void
    private var pendingLogBytes = Data()
    private var progressLine: String?
    private var lastEvent: ProgressEvent?

    /// Creates a display; `isTerminal` (standard error is a terminal) selects the rewritten line.
    ///
    /// - Parameters:
    ///   - terminalWidth: columns of the terminal; a longer progress line is cut, since a wrapped
    ///     line cannot be rewritten with `\r`.
    ///   - writeOutput: writes log bytes to standard output.
    ///   - writeError: writes progress text to standard error.
    public init(
        isTerminal: Bool, terminalWidth: Int = 80, writeOutput: @escaping (Data) -> Void,
        writeError: @escaping (String) -> Void
    ) {
        self.isTerminal = isTerminal
        self.terminalWidth = max(terminalWidth, 10)
        self.writeOutput = writeOutput
        self.writeError = writeError
    }

    /// Prints the complete lines in `data`, keeping a trailing partial line for later.
    public func log(_ data: Data) {
        pendingLogBytes.append(data)
        guard let lastNewline = pendingLogBytes.lastIndex(of: UInt8(ascii: "\n")) else { return }
        let complete = pendingLogBytes[...lastNewline]
        pendingLogBytes = Data(pendingLogBytes[(lastNewline + 1)...])

        clearProgressLine()
        writeOutput(Data(complete))
        drawProgressLine()
    }

    /// Shows a new progress event, when it differs from the last one shown.
    public func showProgress(_ event: ProgressEvent?) {
        guard let event, event != lastEvent else { return }
        lastEvent = event
        let line = ProgressText.line(event)
        if isTerminal {
            progressLine = String(line.prefix(terminalWidth - 1))
            clearProgressLine()
            drawProgressLine()
        } else {
            writeError(line + "\n")
        }
    }

    /// Prints what is left of the log after its stream ended.
    public func finishLog() {
        guard !pendingLogBytes.isEmpty else { return }
        clearProgressLine()
        writeOutput(pendingLogBytes + Data("\n".utf8))
        pendingLogBytes = Data()
        drawProgressLine()
    }

    /// Leaves the last progress line on screen and ends it with a newline.
    public func showFinal(_ event: ProgressEvent?) {
        showProgress(event)
        if isTerminal, progressLine != nil {
            writeError("\n")
            progressLine = nil
        }
    }

    private func clearProgressLine() {
        if isTerminal, progressLine != nil { writeError("\r\u{1B}[K") }
    }

    private func drawProgressLine() {
        if isTerminal, let progressLine { writeError(progressLine) }
    }
}
