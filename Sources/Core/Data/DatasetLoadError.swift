/// Why a dataset could not be loaded at all. Problems with single rows or files are not errors:
/// they become `DroppedItem`s and the rest of the dataset loads.
public enum DatasetLoadError: Error, Equatable, CustomStringConvertible {
    /// A `builtin:` name glare does not have.
    case unknownBuiltin(String)
    /// The spec's path does not exist.
    case missingPath(String)
    /// The path exists but is not what the reader expects (a file where a folder is needed, ...).
    case wrongPathType(path: String, expected: String)
    /// An option this reader does not know.
    case unknownOption(kind: String, option: String, known: [String])
    /// An option with a value the reader cannot use.
    case badOptionValue(option: String, value: String, expected: String)
    /// A CSV without a column the reader needs.
    case missingColumn(file: String, column: String)
    /// A CSV without a header row.
    case emptyFile(String)
    /// A file that could not be opened or read.
    case unreadableFile(path: String, reason: String)
    /// A reader found nothing it could use where it expected its files.
    case nothingFound(path: String, expected: String)
    /// The job was asked to stop while landmarks were being extracted; what was extracted is cached.
    case stopped

    /// A short lower-case message.
    public var description: String {
        switch self {
        case .unknownBuiltin(let name):
            return "no builtin dataset named '\(name)'; the builtin dataset is 'synthetic'"
        case .missingPath(let path):
            return "dataset path \(path) does not exist"
        case .wrongPathType(let path, let expected):
            return "dataset path \(path) is not \(expected)"
        case .unknownOption(let kind, let option, let known):
            let list = known.isEmpty ? "none" : known.sorted().joined(separator: ", ")
            return "unknown option '\(option)' for \(kind) datasets; known options: \(list)"
        case .badOptionValue(let option, let value, let expected):
            return "option \(option)=\(value) is not valid; expected \(expected)"
        case .missingColumn(let file, let column):
            return "\(file) has no column '\(column)'"
        case .emptyFile(let file):
            return "\(file) is empty; expected a header row"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .nothingFound(let path, let expected):
            return "found no \(expected) in \(path)"
        case .stopped:
            return "stopped on request; landmarks extracted so far are cached"
        }
    }
}
