/// One option a command takes: `--long`, maybe `-s`, a flag or a value.
public struct OptionDefinition: Sendable, Equatable {
    /// Whether the option stands alone or takes a value, once or several times.
    public enum Arity: Sendable, Equatable {
        /// `--follow`.
        case flag
        /// `--epochs N`; the last occurrence wins.
        case value(placeholder: String)
        /// `--option key=value`, which may be given several times.
        case repeatedValue(placeholder: String)
    }

    /// The long name without dashes, also the key in `ParsedArguments`.
    public var name: String
    /// The one-letter name without the dash.
    public var shortName: Character?
    /// Flag or value.
    public var arity: Arity
    /// One line for `--help`.
    public var help: String

    /// Creates an option.
    public init(_ name: String, short shortName: Character? = nil, _ arity: Arity = .flag, help: String) {
        self.name = name
        self.shortName = shortName
        self.arity = arity
        self.help = help
    }

    /// Whether the option takes a value.
    public var takesValue: Bool { arity != .flag }

    /// `-f, --follow` or `--epochs N`, as `--help` shows it.
    public var synopsis: String {
        var text = shortName.map { "-\($0), " } ?? ""
        text += "--\(name)"
        switch arity {
        case .flag: break
        case .value(let placeholder): text += " \(placeholder)"
        case .repeatedValue(let placeholder): text += " \(placeholder)"
        }
        return text
    }
}

/// A command's positional arguments: a name for the help text and how many there may be.
public struct PositionalDefinition: Sendable, Equatable {
    /// The placeholder, for example `ID` or `FILE|DIR`.
    public var placeholder: String
    /// The fewest accepted.
    public var minimum: Int
    /// The most accepted; nil for any number.
    public var maximum: Int?

    /// Creates a definition.
    public init(_ placeholder: String, minimum: Int = 1, maximum: Int? = 1) {
        self.placeholder = placeholder
        self.minimum = minimum
        self.maximum = maximum
    }

    /// `ID`, `[ID]`, `ID...` or `[ID...]`.
    public var synopsis: String {
        let repeated = maximum == nil
        let word = repeated ? placeholder + "..." : placeholder
        return minimum == 0 ? "[\(word)]" : word
    }
}
