/// An infer or extract job spec that lacks what its kind needs, found by the runner.
public enum RunnerInputError: Error, Equatable, CustomStringConvertible {
    /// No dataset for a job that reads one.
    case missingDataset(kind: JobKind)
    /// No model for a job that uses one.
    case missingModel(kind: JobKind)
    /// No input files for an inference job.
    case missingInputs
    /// An option the runner does not know.
    case unknownOption(kind: JobKind, option: String, known: [String])
    /// An option with a value the runner cannot use.
    case badOptionValue(option: String, value: String, expected: String)

    /// A short lower-case message.
    public var description: String {
        switch self {
        case .missingDataset(let kind): return "\(kind.rawValue) job has no dataset"
        case .missingModel(let kind): return "\(kind.rawValue) job has no model"
        case .missingInputs: return "infer job has no input files or folders"
        case .unknownOption(let kind, let option, let known):
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
            return "unknown option '\(option)' for \(kind.rawValue) jobs; known options: \(list)"
        case .badOptionValue(let option, let value, let expected):
            return "option \(option)=\(value) is not valid; expected \(expected)"
        }
    }
}
