import Foundation

/// How one `glarectl` run ended and what it printed.
struct CommandResult: CustomStringConvertible {
    /// The arguments it ran with.
    var arguments: [String]
    /// Its exit status, or 128 + signal when a signal ended it.
    var status: Int32
    /// Its standard output.
    var output: String
    /// Its standard error.
    var errorOutput: String

    /// The output without surrounding white space.
    var trimmedOutput: String { output.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// For failure messages.
    var description: String {
        "glarectl \(arguments.joined(separator: " ")) -> status \(status)\nstdout: \(output)\nstderr: \(errorOutput)"
    }
}
