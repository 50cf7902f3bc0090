/// The machine-readable code of an error reply.
///
/// A string wrapper rather than a closed enum, so a client can read codes that a newer daemon adds.
public struct ErrorCode: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// The code as it travels, in snake case.
    public let rawValue: String

    /// Wraps a code.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Decodes the bare string.
    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the bare string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The code itself.
    public var description: String { rawValue }

    /// The request is not one the daemon can act on (bad frame, unknown op, missing field).
    public static let badRequest = ErrorCode(rawValue: "bad_request")
    /// No such job, file or model.
    public static let notFound = ErrorCode(rawValue: "not_found")
    /// The caller may not do this (another user's job, an admin-only request).
    public static let denied = ErrorCode(rawValue: "denied")
    /// The job spec failed validation.
    public static let invalidSpec = ErrorCode(rawValue: "invalid_spec")
    /// The job's state does not allow it (cancel a finished job, remove a running one).
    public static let invalidState = ErrorCode(rawValue: "invalid_state")
    /// The user has as many jobs waiting as allowed.
    public static let queueFull = ErrorCode(rawValue: "queue_full")
    /// The daemon is draining or shutting down, or temporarily cannot serve.
    public static let busy = ErrorCode(rawValue: "busy")
    /// The peer speaks another protocol version.
    public static let versionMismatch = ErrorCode(rawValue: "version_mismatch")
    /// The configuration file does not parse, or glared runs without one (`reload`).
    public static let invalidConfiguration = ErrorCode(rawValue: "invalid_configuration")
    /// A frame was larger than the limit.
    public static let frameTooLarge = ErrorCode(rawValue: "frame_too_large")
    /// Something failed inside the daemon; its log has the details.
    public static let `internal` = ErrorCode(rawValue: "internal")
}
