import FoundationEssentials

/// Finds the daemon's socket: `--socket`, then `GLARE_SOCKET`, then the user's runtime
/// directory when a socket is there, then the system service's path.
public struct SocketLocator: Sendable {
    /// The system service's socket (`RuntimeDirectory=glare`).
    public static let systemSocketPath = "/run/glare/glared.sock"

    /// The process environment to read.
    public var environment: [String: String]
    /// Whether a file exists; replaceable in tests.
    public var fileExists: @Sendable (String) -> Bool

    /// Creates a locator over `environment`, checking the file system for the runtime directory's socket.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) {
        self.environment = environment
        self.fileExists = fileExists
    }

    /// The socket path to use, given the `--socket` option's value if any.
    public func socketPath(explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["GLARE_SOCKET"], !fromEnvironment.isEmpty { return fromEnvironment }
        if let runtimeDirectory = environment["XDG_RUNTIME_DIR"], !runtimeDirectory.isEmpty {
            let userSocket = runtimeDirectory + "/glare/glared.sock"
            if fileExists(userSocket) { return userSocket }
        }
        return SocketLocator.systemSocketPath
    }
}
