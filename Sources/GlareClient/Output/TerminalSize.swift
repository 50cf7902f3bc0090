import CGlareSystem
import Glibc

/// The size of the terminal a descriptor writes to, asked of the terminal itself.
public enum TerminalSize {
    /// The width in columns of the terminal on `descriptor`.
    ///
    /// - Throws: `ClientError.system` when `descriptor` is not a terminal (`ENOTTY`) or the call fails.
    /// - Returns: the width, or nil when the terminal reports none (a serial line, some pseudo-terminals).
    public static func columns(of descriptor: Int32) throws(ClientError) -> Int? {
        let columns = glare_terminal_columns(descriptor)
        guard columns >= 0 else { throw .system(operation: "ioctl TIOCGWINSZ", errno: errno) }
        return columns == 0 ? nil : Int(columns)
    }
}
