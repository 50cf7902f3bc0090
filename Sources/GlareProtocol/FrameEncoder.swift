import FoundationEssentials

/// Turns messages into frames: a 4-byte big-endian length, then the JSON payload.
public struct FrameEncoder: Sendable {
    /// The largest payload this encoder writes.
    public let maximumFrameSize: Int

    /// Creates an encoder with the protocol's frame limit unless told otherwise.
    public init(maximumFrameSize: Int = WireProtocol.maximumFrameSize) {
        self.maximumFrameSize = maximumFrameSize
    }

    /// The frame carrying `message` as JSON.
    ///
    /// - Throws: `ProtocolError.frameTooLarge` when the JSON exceeds the limit (the sender splits
    ///   large data into chunks of `WireProtocol.chunkSize` so this does not happen);
    ///   `ProtocolError.invalidMessage` when the value cannot be encoded.
    public func encode<Message: Encodable>(_ message: Message) throws(ProtocolError) -> Data {
        let payload: Data
        do {
            payload = try WireProtocol.makeEncoder().encode(message)
        } catch {
            throw .invalidMessage(detail: "cannot encode \(Message.self): \(error)")
        }
        return try frame(payload: payload)
    }

    /// The frame carrying `payload` as it is.
    public func frame(payload: Data) throws(ProtocolError) -> Data {
        guard payload.count <= maximumFrameSize else {
            throw .frameTooLarge(length: payload.count, limit: maximumFrameSize)
        }
        let length = UInt32(payload.count)
        var frame = Data(capacity: WireProtocol.lengthPrefixSize + payload.count)
        frame.append(UInt8(truncatingIfNeeded: length >> 24))
        frame.append(UInt8(truncatingIfNeeded: length >> 16))
        frame.append(UInt8(truncatingIfNeeded: length >> 8))
        frame.append(UInt8(truncatingIfNeeded: length))
        frame.append(payload)
        return frame
    }
}
