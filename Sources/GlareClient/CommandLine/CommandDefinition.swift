/// One glarectl command: its name, what it does, its options and positional arguments.
public struct CommandDefinition: Sendable, Equatable {
    /// The word that selects it.
    public var name: String
    /// One line for the command list.
    public var summary: String
    /// Its positional arguments, if it takes any.
    public var positionals: PositionalDefinition?
    /// Its options, besides the global ones.
    public var options: [OptionDefinition]
    /// Further lines for its `--help`: details and examples.
    public var details: [String]

    /// Creates a command.
    public init(
        _ name: String, summary: String, positionals: PositionalDefinition? = nil,
        options: [OptionDefinition] = [], details: [String] = []
    ) {
        self.name = name
        self.summary = summary
        self.positionals = positionals
        self.options = options
        self.details = details
    }

    /// The option with `name` (long) or `shortName`.
    public func option(named name: String) -> OptionDefinition? {
        options.first { $0.name == name }
    }

    /// The option written as `-x`.
    public func option(short: Character) -> OptionDefinition? {
        options.first { $0.shortName == short }
    }
}
