import Glibc

/// Numbers formatted by the C library's `printf` rules, as `String(format:)` does in full Foundation.
///
/// glarectl links only FoundationEssentials, which has no `String(format:)`; `vsnprintf` rounds and
/// spells `nan` and `inf` exactly as that did, so the output is the same to the character.
public enum PrintfFormatting {
    /// `format` with `arguments`, for example `format("%.3f", 0.51234)` is `0.512`.
    ///
    /// An `Int` argument needs a `%ld` conversion (`%d` reads 32 bits).
    public static func format(_ format: String, _ arguments: CVarArg...) -> String {
        // The first pass measures, the second writes; a va_list is read once, so each pass has its own.
        let length = Int(withVaList(arguments) { vsnprintf(nil, 0, format, $0) })
        guard length > 0 else { return "" }
        var characters = [CChar](repeating: 0, count: length + 1)
        _ = withVaList(arguments) { vsnprintf(&characters, characters.count, format, $0) }
        return characters.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
