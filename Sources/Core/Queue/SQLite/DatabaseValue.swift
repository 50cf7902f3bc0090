/// A value bound to a statement's parameter: SQLite's four storage classes that glare uses.
public enum DatabaseValue: Sendable, Equatable {
    /// A 64-bit signed integer.
    case integer(Int64)
    /// An IEEE double.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// SQL NULL.
    case null

    /// An integer, or NULL when `value` is nil.
    public static func integer(_ value: Int64?) -> DatabaseValue { value.map { .integer($0) } ?? .null }

    /// A real, or NULL when `value` is nil.
    public static func real(_ value: Double?) -> DatabaseValue { value.map { .real($0) } ?? .null }

    /// Text, or NULL when `value` is nil.
    public static func text(_ value: String?) -> DatabaseValue { value.map { .text($0) } ?? .null }
}
