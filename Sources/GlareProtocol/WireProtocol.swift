import FoundationEssentials

/// Constants of glare's client-daemon protocol and the JSON settings both ends share.
///
/// The protocol (docs/protocol.md): length-prefixed JSON frames over a Unix stream socket. Each
/// frame is a 4-byte big-endian payload length followed by that many bytes of UTF-8 JSON. The
/// first frame each way is a `Hello`; then the client sends one `Request` a frame and the daemon
/// answers each with one `Reply`, or for a streaming request (`logs`, `fetchFile`) with a series
/// of chunk replies closed by an end reply.
public enum WireProtocol {
    /// The protocol version this build speaks.
    public static let version = 1

    /// The largest payload a frame may carry, 1 MiB; a larger length is refused before it is read.
    public static let maximumFrameSize = 1 << 20

    /// Bytes of log or file per chunk reply: 256 KiB, which base64 grows to about 350 KB,
    /// well inside `maximumFrameSize` with room for the rest of the reply.
    public static let chunkSize = 256 * 1024

    /// Bytes in the length prefix.
    public static let lengthPrefixSize = 4

    /// The priorities a job may have; a submit outside them is refused (`invalid_spec`).
    public static let priorities = -1000...1000

    /// The JSON encoder for messages: sorted keys (stable bytes), non-finite numbers as strings.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A diverging training run reports a NaN loss; plain JSON has no NaN, so it travels as a string.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The JSON decoder matching `makeEncoder()`.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
