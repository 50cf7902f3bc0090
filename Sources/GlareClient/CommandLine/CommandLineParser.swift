/// A small parser for `program [global options] command [options] [arguments]`.
///
/// Options are `--name`, `--name value`, `--name=value` or `-x [value]`; `--` ends the options;
/// global options may come before or after the command. `--help` (or `-h`) anywhere asks for
/// help instead of running, and `program help [command]` does the same.
public struct CommandLineParser: Sendable {
    /// What the command line asks for.
    public enum Outcome: Sendable, Equatable {
        /// Run the command with these arguments.
        case run(ParsedArguments)
        /// Print this help text and exit with success.
        case help(String)
    }

    /// The program's name in help texts.
    public var programName: String
    /// One line saying what the program is.
    public var summary: String
    /// The commands, in the order the help lists them.
    public var commands: [CommandDefinition]
    /// Options every command takes (for example `--socket`).
    public var globalOptions: [OptionDefinition]
    /// Lines at the end of the main help text (exit statuses, environment).
    public var epilogue: [String]

    /// Creates a parser.
    public init(
        programName: String, summary: String, commands: [CommandDefinition], globalOptions: [OptionDefinition],
        epilogue: [String] = []
    ) {
        self.programName = programName
        self.summary = summary
        self.commands = commands
        self.globalOptions = globalOptions
        self.epilogue = epilogue
    }

    /// The command named `name`.
    public func command(named name: String) -> CommandDefinition? {
        commands.first { $0.name == name }
    }

    /// The command a person should run to read about `error`: the failing command's help, or the
    /// program's when the mistake came before any command (an unknown option, a missing command).
    public func helpInvocation(for error: UsageError) -> String {
        guard let command = error.command, command != programName else { return "\(programName) --help" }
        return "\(programName) \(command) --help"
    }

    /// Parses the arguments after the program's name.
    public func parse(_ arguments: [String]) throws(UsageError) -> Outcome {
        var globalValues: [String: [String]] = [:]
        var index = 0
        let topLevel = CommandDefinition(programName, summary: summary, options: globalOptions)
        while index < arguments.count, arguments[index].hasPrefix("-") {
            if isHelp(arguments[index]) { return .help(mainHelp) }
            try readOption(arguments, at: &index, of: topLevel, into: &globalValues)
        }
        guard index < arguments.count else { throw .missingCommand }

        let name = arguments[index]
        index += 1
        if name == "help" {
            guard index < arguments.count else { return .help(mainHelp) }
            guard let command = command(named: arguments[index]) else { throw .unknownCommand(arguments[index]) }
            return .help(help(for: command))
        }
        guard let command = command(named: name) else { throw .unknownCommand(name) }

        var parsed = ParsedArguments(command: name, values: globalValues)
        let withGlobals = CommandDefinition(name, summary: command.summary, options: command.options + globalOptions)
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            if !optionsEnded && argument == "--" {
                optionsEnded = true
                index += 1
            } else if !optionsEnded && argument.hasPrefix("-") && argument != "-" {
                if isHelp(argument) { return .help(help(for: command)) }
                try readOption(arguments, at: &index, of: withGlobals, into: &parsed.values)
            } else {
                parsed.positionals.append(argument)
                index += 1
            }
        }

        try checkPositionals(parsed.positionals, of: command)
        return .run(parsed)
    }

    /// The help text listing every command, the global options and the epilogue.
    public var mainHelp: String {
        var lines = [
            "usage: \(programName) [--socket PATH] COMMAND [OPTIONS] [ARGUMENTS]", "", summary, "", "commands:",
        ]
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        for command in commands {
            lines.append("  " + TextTable.padded(command.name, toWidth: width) + command.summary)
        }
        lines += ["", "global options:"] + optionLines(globalOptions + [helpOption])
        lines += ["", "run '\(programName) COMMAND --help' for a command's options."]
        if !epilogue.isEmpty { lines += [""] + epilogue }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One command's help text.
    public func help(for command: CommandDefinition) -> String {
        var usage = "usage: \(programName) \(command.name)"
        if !command.options.isEmpty { usage += " [OPTIONS]" }
        if let positionals = command.positionals { usage += " " + positionals.synopsis }
        var lines = [usage, "", command.summary]
        if !command.details.isEmpty { lines += [""] + command.details }
        if !command.options.isEmpty { lines += ["", "options:"] + optionLines(command.options) }
        lines += ["", "global options:"] + optionLines(globalOptions + [helpOption])
        return lines.joined(separator: "\n") + "\n"
    }

    private var helpOption: OptionDefinition { OptionDefinition("help", short: "h", help: "show this help") }

    private func isHelp(_ argument: String) -> Bool { argument == "--help" || argument == "-h" }

    private func optionLines(_ options: [OptionDefinition]) -> [String] {
        let width = (options.map(\.synopsis.count).max() ?? 0) + 2
        return options.map { "  " + TextTable.padded($0.synopsis, toWidth: width) + $0.help }
    }

    /// Reads the option at `index` (and its value), advancing `index` past what it used.
    private func readOption(
        _ arguments: [String], at index: inout Int, of command: CommandDefinition, into values: inout [String: [String]]
    ) throws(UsageError) {
        let argument = arguments[index]
        index += 1

        let option: OptionDefinition?
        var inlineValue: String?
        if argument.hasPrefix("--") {
            var name = String(argument.dropFirst(2))
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            option = command.option(named: name)
        } else if argument.count == 2, let letter = argument.last {
            option = command.option(short: letter)
        } else {
            option = nil
        }
        guard let option else { throw .unknownOption(argument, command: command.name) }

        guard option.takesValue else {
            guard inlineValue == nil else { throw .unexpectedArgument(argument, command: command.name) }
            values[option.name, default: []].append("")
            return
        }
        let value: String
        if let inlineValue {
            value = inlineValue
        } else {
            guard index < arguments.count else {
                throw .missingValue(option: "--\(option.name)", command: command.name)
            }
            value = arguments[index]
            index += 1
        }
        if case .repeatedValue = option.arity {
            values[option.name, default: []].append(value)
        } else {
            values[option.name] = [value]
        }
    }

    private func checkPositionals(_ positionals: [String], of command: CommandDefinition) throws(UsageError) {
        guard let definition = command.positionals else {
            if let first = positionals.first { throw .unexpectedArgument(first, command: command.name) }
            return
        }
        if positionals.count < definition.minimum {
            throw .missingArgument(definition.synopsis, command: command.name)
        }
        if let maximum = definition.maximum, positionals.count > maximum {
            throw .unexpectedArgument(positionals[maximum], command: command.name)
        }
    }
}
