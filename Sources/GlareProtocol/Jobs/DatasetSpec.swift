/// A dataset named the way users write it: `kind:location`, optionally followed by `?key=value&key=value`.
///
/// Examples: `builtin:synthetic`, `builtin:synthetic?samples=4000&seed=7`, `ferg:/data/FERG_DB_256`,
/// `affectnet:/data/affectnet?classes=7`, `folder:/data/faces`, `landmarks:/data/faces.csv`.
public struct DatasetSpec: Sendable, Equatable, CustomStringConvertible {
    /// The reader.
    public enum Kind: String, Sendable, CaseIterable {
        /// A dataset built into glare (`synthetic`).
        case builtin
        /// AffectNet's CSV and image tree.
        case affectnet
        /// FERG-DB's character and expression folders.
        case ferg
        /// A folder per class of images.
        case folder
        /// A landmark CSV with OpenFace's column names and a label column.
        case landmarks
    }

    /// The reader.
    public var kind: Kind
    /// The path, or the builtin dataset's name.
    public var location: String
    /// Reader options from the `?key=value` part.
    public var options: [String: String]

    /// Creates a spec.
    public init(kind: Kind, location: String, options: [String: String] = [:]) {
        self.kind = kind
        self.location = location
        self.options = options
    }

    /// Parses `kind:location?key=value&...`.
    public init(parsing text: String) throws(DatasetSpecError) {
        guard let colon = text.firstIndex(of: ":") else { throw .missingKind(text) }
        let kindName = String(text[..<colon])
        guard let kind = Kind(rawValue: kindName) else { throw .unknownKind(kindName) }

        var rest = String(text[text.index(after: colon)...])
        var options: [String: String] = [:]
        if let question = rest.lastIndex(of: "?") {
            for pair in rest[rest.index(after: question)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, !parts[0].isEmpty else { throw .badOption(String(pair)) }
                // One value a key: with two, which one the reader took would be an accident.
                guard options.updateValue(String(parts[1]), forKey: String(parts[0])) == nil else {
                    throw .repeatedOption(String(parts[0]))
                }
            }
            rest = String(rest[..<question])
        }
        guard !rest.isEmpty else { throw .missingLocation(text) }
        self.init(kind: kind, location: rest, options: options)
    }

    /// The spec as a user writes it.
    public var description: String {
        let pairs = options.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }
        let suffix = pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
        return "\(kind.rawValue):\(location)\(suffix)"
    }
}

/// Why a dataset spec could not be read.
public enum DatasetSpecError: Error, Equatable, CustomStringConvertible {
    /// No `kind:` prefix.
    case missingKind(String)
    /// A kind glare has no reader for.
    case unknownKind(String)
    /// Nothing after `kind:`.
    case missingLocation(String)
    /// An option that is not `key=value`.
    case badOption(String)
    /// An option given twice.
    case repeatedOption(String)

    /// A short lower-case message.
    public var description: String {
        switch self {
        case .missingKind(let text):
            return "dataset spec '\(text)' has no kind; write kind:location, e.g. builtin:synthetic"
        case .unknownKind(let kind):
            let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown dataset kind '\(kind)'; known kinds: \(known)"
        case .missingLocation(let text): return "dataset spec '\(text)' has no path or name after the kind"
        case .badOption(let option): return "dataset option '\(option)' is not key=value"
        case .repeatedOption(let key): return "dataset option '\(key)' is given twice"
        }
    }

    private typealias Kind = DatasetSpec.Kind
}
