/// Why glared's configuration could not be used.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, detail: String)
    /// A line is not `key = value`, names an unknown key, or has a value of the wrong kind.
    case badLine(path: String, line: Int, detail: String)
    /// A command-line argument is missing or unknown.
    case badArgument(String)

    /// A short lower-case message naming the file and line.
    public var description: String {
        switch self {
        case .unreadable(let path, let detail): return "cannot read configuration \(path): \(detail)"
        case .badLine(let path, let line, let detail): return "\(path):\(line): \(detail)"
        case .badArgument(let detail): return detail
        }
    }
}
