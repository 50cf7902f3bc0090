import FoundationEssentials

/// Reads frames out of a byte stream that arrives in pieces of any size.
///
/// Feed it whatever `read` returned, then take frames until it returns nil; at end of stream call
/// `finish()` to learn whether the peer stopped inside a frame. An oversized length prefix is
/// refused as soon as its 4 bytes arrive, without buffering the payload, and leaves the decoder
/// failed: every later call throws the same error, because the stream cannot be resynchronised.
///
/// ```swift
/// var decoder = FrameDecoder()
/// decoder.feed(bytesFromSocket)
/// while let request = try decoder.nextMessage(Request.self) { ... }
/// ```
public struct FrameDecoder: Sendable {
    /// The largest payload accepted.
    public let maximumFrameSize: Int
    private var buffer: [UInt8] = []
    /// Index in `buffer` where the next frame starts; consumed bytes are dropped in batches.
    private var readIndex = 0
    private var failure: ProtocolError?

    /// Creates a decoder with the protocol's frame limit unless told otherwise.
    public init(maximumFrameSize: Int = WireProtocol.maximumFrameSize) {
        self.maximumFrameSize = maximumFrameSize
    }

    /// Bytes received but not yet returned as a frame.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Appends bytes read from the stream.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        guard failure == nil else { return }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame's payload, or nil until more bytes arrive.
    ///
    /// - Throws: `ProtocolError.frameTooLarge`; after that, every call throws it again.
    public mutating func nextFrame() throws(ProtocolError) -> Data? {
        if let failure { throw failure }
        guard bufferedByteCount >= WireProtocol.lengthPrefixSize else { return nil }

        let length = declaredLength(at: readIndex)
        guard length <= maximumFrameSize else {
            let error = ProtocolError.frameTooLarge(length: length, limit: maximumFrameSize)
            failure = error
            buffer = []
            readIndex = 0
            throw error
        }

        let payloadStart = readIndex + WireProtocol.lengthPrefixSize
        guard buffer.count - payloadStart >= length else { return nil }
        let payload = Data(buffer[payloadStart..<(payloadStart + length)])
        readIndex = payloadStart + length
        compactIfWorthwhile()
        return payload
    }

    /// The next complete frame decoded as `Message`, or nil until more bytes arrive.
    ///
    /// - Throws: `frameTooLarge`; `malformedJSON` when the payload is not a UTF-8 JSON object;
    ///   `invalidMessage` when it is JSON but not a `Message`. The frame is consumed either way.
    public mutating func nextMessage<Message: Decodable>(_ type: Message.Type) throws(ProtocolError) -> Message? {
        guard let payload = try nextFrame() else { return nil }
        return try FrameDecoder.decode(type, from: payload)
    }

    /// Call at end of stream: throws `truncated` when the peer stopped inside a frame.
    public func finish() throws(ProtocolError) {
        if let failure { throw failure }
        let remaining = bufferedByteCount
        guard remaining > 0 else { return }
        let expected =
            remaining >= WireProtocol.lengthPrefixSize
            ? WireProtocol.lengthPrefixSize + declaredLength(at: readIndex) : WireProtocol.lengthPrefixSize
        throw .truncated(receivedBytes: remaining, expectedBytes: expected)
    }

    /// Decodes one payload as `Message`, telling JSON that is malformed from JSON that is not a `Message`.
    public static func decode<Message: Decodable>(
        _ type: Message.Type, from payload: Data
    ) throws(ProtocolError)
        -> Message
    {
        guard String(validating: payload, as: UTF8.self) != nil else {
            throw .malformedJSON(detail: "payload is not UTF-8")
        }
        do {
            return try WireProtocol.makeDecoder().decode(type, from: payload)
        } catch {
            // Only the failure path pays for a second parse, to classify the error.
            let isJSONObject = (try? WireProtocol.makeDecoder().decode(AnyJSONObject.self, from: payload)) != nil
            guard isJSONObject else {
                throw .malformedJSON(detail: "\(payload.count) bytes that do not parse as a JSON object")
            }
            throw .invalidMessage(detail: FrameDecoder.describe(error))
        }
    }

    private func declaredLength(at index: Int) -> Int {
        Int(buffer[index]) << 24 | Int(buffer[index + 1]) << 16 | Int(buffer[index + 2]) << 8 | Int(buffer[index + 3])
    }

    /// Drops consumed bytes once they are the larger part of the buffer, keeping appends amortised O(1).
    private mutating func compactIfWorthwhile() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex > 64 * 1024 && readIndex * 2 > buffer.count {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
    }

    private static func describe(_ error: Error) -> String {
        guard let decodingError = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "the message" : keys.joined(separator: ".")
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            return "missing field \(key.stringValue) in \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(decodingError)"
        }
    }
}

/// A JSON object with any members, none of them read: decodes when a payload is an object at all.
///
/// The decoder parses the whole payload before it hands out the top-level container, so JSON that
/// is malformed anywhere fails here too, as does a top level that is an array, a string or a number.
private struct AnyJSONObject: Decodable {
    /// Accepts every member's name.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) { self.stringValue = stringValue }

        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        _ = try decoder.container(keyedBy: AnyKey.self)
    }
}
