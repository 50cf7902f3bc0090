import Foundation

/// A reader's view of a spec's `?key=value` options: refuses unknown keys up front and parses values.
struct DatasetOptions {
    private let values: [String: String]

    /// Checks that every option in `spec` is one of `known`.
    init(_ spec: DatasetSpec, known: [String]) throws(DatasetLoadError) {
        for key in spec.options.keys.sorted() where !known.contains(key) {
            throw .unknownOption(kind: spec.kind.rawValue, option: key, known: known)
        }
        values = spec.options
    }

    /// The raw value, if given.
    subscript(key: String) -> String? { values[key] }

    /// One of `choices`, or `defaultValue` when absent.
    func choice(_ key: String, _ choices: [String], default defaultValue: String) throws(DatasetLoadError) -> String {
        guard let value = values[key] else { return defaultValue }
        guard choices.contains(value) else {
            throw .badOptionValue(option: key, value: value, expected: choices.joined(separator: " or "))
        }
        return value
    }

    /// A non-negative integer.
    func integer(_ key: String, default defaultValue: Int) throws(DatasetLoadError) -> Int {
        guard let value = values[key] else { return defaultValue }
        guard let number = Int(value), number >= 0 else {
            throw .badOptionValue(option: key, value: value, expected: "a non-negative integer")
        }
        return number
    }

    /// A fraction in [0, 1).
    func fraction(_ key: String, default defaultValue: Double) throws(DatasetLoadError) -> Double {
        guard let value = values[key] else { return defaultValue }
        guard let number = Double(value), number >= 0, number < 1 else {
            throw .badOptionValue(option: key, value: value, expected: "a fraction from 0 up to but not including 1")
        }
        return number
    }

    /// A comma-separated list of names, without empty entries.
    func list(_ key: String) throws(DatasetLoadError) -> [String]? {
        guard let value = values[key] else { return nil }
        let names = value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, !names.contains(""), Set(names).count == names.count else {
            throw .badOptionValue(option: key, value: value, expected: "distinct comma-separated names")
        }
        return names
    }
}
