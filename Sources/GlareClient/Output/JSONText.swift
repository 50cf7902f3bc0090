import FoundationEssentials
import GlareProtocol

/// Values as the JSON glarectl prints with `--json`: the wire format, pretty-printed.
public enum JSONText {
    /// `value` as indented JSON with sorted keys and a final newline.
    public static func encode<Value: Encodable>(_ value: Value) -> String {
        let encoder = WireProtocol.makeEncoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        // Encoding glare's own Codable types cannot fail: they hold strings, numbers and arrays.
        guard let data = try? encoder.encode(value) else { return "null\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
