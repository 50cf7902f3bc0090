/// What a command line said, by option name, with typed accessors that throw usage errors.
public struct ParsedArguments: Sendable, Equatable {
    /// The command's name.
    public var command: String
    /// Values by long option name, in the order given; a flag has one empty value an occurrence.
    public var values: [String: [String]]
    /// The positional arguments in order.
    public var positionals: [String]

    /// Creates a result.
    public init(command: String, values: [String: [String]] = [:], positionals: [String] = []) {
        self.command = command
        self.values = values
        self.positionals = positionals
    }

    /// Whether the option or flag was given.
    public func has(_ name: String) -> Bool { values[name] != nil }

    /// The option's last value.
    public func value(_ name: String) -> String? { values[name]?.last }

    /// Every value of a repeated option.
    public func allValues(_ name: String) -> [String] { values[name] ?? [] }

    /// The option's value as an integer in `range`.
    public func integer(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            let bounds = range == Int.min...Int.max ? "" : " from \(range.lowerBound) to \(range.upperBound)"
            throw .badValue(option: "--\(name)", value: text, expected: "a whole number\(bounds)")
        }
        return number
    }

    /// The option's values as job ids.
    public func jobIds(_ name: String) throws(UsageError) -> [Int64] {
        var ids: [Int64] = []
        for text in allValues(name) { ids.append(try ParsedArguments.jobId(text, option: "--\(name)")) }
        return ids
    }

    /// The positional arguments as job ids.
    public func positionalJobIds() throws(UsageError) -> [Int64] {
        var ids: [Int64] = []
        for text in positionals { ids.append(try ParsedArguments.jobId(text, option: "job id")) }
        return ids
    }

    /// Reads a job id: a positive whole number.
    public static func jobId(_ text: String, option: String) throws(UsageError) -> Int64 {
        guard let id = Int64(text), id > 0 else {
            throw .badValue(option: option, value: text, expected: "a job id (a positive whole number)")
        }
        return id
    }
}
