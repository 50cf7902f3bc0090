/// Text from the daemon made safe to print on a terminal: file names, group names and reasons
/// can hold any character, and another user chooses some of them.
public enum PrintableText {
    /// `text` with every control character (C0 but tab, DEL, C1) and every invisible formatting
    /// character (bidirectional overrides, zero-width marks) written as a visible escape: `\n`,
    /// `\r`, `\e`, `\a`, `\b`, `\f`, `\v`, else `\u{XX}`. Nothing else changes.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x1B: result += "\\e"
            case 0x07: result += "\\a"
            case 0x08: result += "\\b"
            case 0x0C: result += "\\f"
            case 0x0B: result += "\\v"
            default: result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
