import Core
import Foundation

/// What `--follow` shows: the job's log on standard output and its progress on standard error.
///
/// On a terminal the progress is one line rewritten in place (`\r`, erase to end of line) and
/// cleared while log lines are printed above it; otherwise each new progress event is one plain
/// line. Log bytes are printed by whole lines so the progress line never splits one.
final class FollowDisplay {
    private let isTerminal: Bool
    private var pendingLogBytes = Data()
    private var progressLine: String?
    private var lastEvent: ProgressEvent?

    /// Creates a display; `isTerminal` selects the rewritten line.
    init(isTerminal: Bool) {
        self.isTerminal = isTerminal
    }

    /// Prints the complete lines in `data`, keeping a trailing partial line for later.
    func log(_ data: Data) {
        pendingLogBytes.append(data)
        guard let lastNewline = pendingLogBytes.lastIndex(of: UInt8(ascii: "\n")) else { return }
        let complete = pendingLogBytes[...lastNewline]
        pendingLogBytes = Data(pendingLogBytes[(lastNewline + 1)...])

        clearProgressLine()
        Console.out(bytes: Data(complete))
        drawProgressLine()
    }

    /// Shows a new progress event, when it differs from the last one shown.
    func showProgress(_ event: ProgressEvent?) {
        guard let event, event != lastEvent else { return }
        lastEvent = event
        let line = ProgressText.line(event)
        if isTerminal {
            progressLine = line
            clearProgressLine()
            drawProgressLine()
        } else {
            Console.error(line + "\n")
        }
    }

    /// Prints what is left of the log after its stream ended.
    func finishLog() {
        guard !pendingLogBytes.isEmpty else { return }
        clearProgressLine()
        Console.out(bytes: pendingLogBytes + Data("\n".utf8))
        pendingLogBytes = Data()
        drawProgressLine()
    }

    /// Leaves the last progress line on screen and ends it with a newline.
    func showFinal(_ event: ProgressEvent?) {
        showProgress(event)
        if isTerminal, progressLine != nil {
            Console.error("\n")
            progressLine = nil
        }
    }

    private func clearProgressLine() {
        if isTerminal, progressLine != nil { Console.error("\r\u{1B}[K") }
    }

    private func drawProgressLine() {
        if isTerminal, let progressLine { Console.error(progressLine) }
    }
}
