/// A command line that cannot be run; nothing was sent to the daemon. Exit status 2.
public enum UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No command was given.
    case missingCommand
    /// The first word is not a command.
    case unknownCommand(String)
    /// An option the command does not take.
    case unknownOption(String, command: String)
    /// An option that needs a value came last.
    case missingValue(option: String, command: String)
    /// A value of the wrong form, for example a word where a number belongs.
    case badValue(option: String, value: String, expected: String)
    /// A required argument is missing.
    case missingArgument(String, command: String)
    /// More arguments than the command takes.
    case unexpectedArgument(String, command: String)
    /// Anything else, in a sentence.
    case invalid(String)

    /// A short lower-case message naming the problem; the caller adds a pointer to `--help`.
    public var description: String {
        switch self {
        case .missingCommand: return "no command given"
        case .unknownCommand(let word): return "unknown command '\(word)'"
        case .unknownOption(let option, let command): return "\(command) has no option '\(option)'"
        case .missingValue(let option, let command): return "\(command): \(option) needs a value"
        case .badValue(let option, let value, let expected): return "\(option): '\(value)' is not \(expected)"
        case .missingArgument(let name, let command): return "\(command) needs \(name)"
        case .unexpectedArgument(let value, let command): return "\(command) takes no argument '\(value)'"
        case .invalid(let message): return message
        }
    }

    /// The command whose help would explain the mistake, when there is one.
    public var command: String? {
        switch self {
        case .unknownOption(_, let command), .missingValue(_, let command), .missingArgument(_, let command),
            .unexpectedArgument(_, let command):
            return command
        case .missingCommand, .unknownCommand, .badValue, .invalid:
            return nil
        }
    }
}
