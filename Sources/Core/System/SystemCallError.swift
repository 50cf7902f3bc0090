import Glibc

/// A failed system call: which operation, and the `errno` it left.
///
/// Every libc call in `Core/System` is wrapped once and turns its failure into this error, so a
/// message in the journal always names the call that failed and why.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation, for example `bind /run/glare/glared.sock`.
    public var operation: String
    /// The `errno` value.
    public var code: Int32

    /// Creates an error for `operation` with `code` (by default the current `errno`).
    public init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    /// `operation: strerror(code)`.
    public var description: String {
        "\(operation): \(String(cString: strerror(code)))"
    }
}
