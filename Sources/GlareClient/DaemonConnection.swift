import FoundationEssentials
import GlareProtocol

/// A blocking connection to glared: the hello exchange, then one request at a time.
///
/// ```swift
/// let connection = try DaemonConnection.open(socketPath: path)
/// let job = try connection.submit(spec, priority: 0, after: [])
/// ```
///
/// Replies are read incrementally through a `FrameDecoder`, so a stream of log or file chunks is
/// handled chunk by chunk without holding it all. An error reply becomes `ClientError.errorReply`.
public final class DaemonConnection {
    /// The socket path the connection was opened on, for messages.
    public let socketPath: String
    /// The daemon's hello.
    public private(set) var daemonHello = Hello()

    private let socket: UnixSocket
    private var decoder = FrameDecoder()
    private let encoder = FrameEncoder()

    /// The software name sent in the client's hello.
    public static let software = "glarectl \(GlareRelease.version)"

    /// Connects to the daemon at `socketPath` and exchanges hellos.
    ///
    /// - Parameter timeout: how long to wait for the daemon's hello.
    public static func open(
        socketPath: String, timeout: Duration = .seconds(30)
    ) throws(ClientError) -> DaemonConnection {
        let socket = try UnixSocket.connect(toPath: socketPath)
        return try DaemonConnection(socket: socket, socketPath: socketPath, timeout: timeout)
    }

    /// Exchanges hellos over an already connected socket (a socketpair in tests).
    public init(socket: UnixSocket, socketPath: String, timeout: Duration = .seconds(30)) throws(ClientError) {
        self.socket = socket
        self.socketPath = socketPath
        // A daemon that turns the connection away (too many open) writes its reason and hangs up
        // without reading our hello, so the hello may fail to send; the reason is still there to read.
        var unsentHello: ClientError?
        do {
            try sendFrame(Hello(software: DaemonConnection.software))
        } catch {
            guard case .connectionClosed = error else { throw error }
            unsentHello = error
        }

        let received: Data?
        do {
            received = try nextPayload(timeout: timeout)
        } catch {
            throw unsentHello ?? error
        }
        guard let payload = received else {
            throw .daemonUnreachable(socketPath: socketPath, reason: "no hello from glared within \(timeout)")
        }
        do {
            daemonHello = try Hello.read(from: payload)
        } catch {
            // A daemon refusing our hello answers with an error reply instead of its own hello.
            if let reply = try? FrameDecoder.decode(Reply.self, from: payload),
                case .error(let code, let message) = reply
            {
                throw .errorReply(ErrorReply(code: code, message: message))
            }
            throw .protocolError(error)
        }
        // It said hello but had hung up by the time ours went out.
        if let unsentHello { throw unsentHello }
    }

    /// Closes the connection.
    public func close() { socket.close() }

    /// Sends one request frame.
    public func send(_ request: Request) throws(ClientError) {
        try sendFrame(request)
    }

    /// The next reply, waiting at most `timeout` (forever when nil); nil when the timeout passed.
    ///
    /// An error reply is returned as it is, not thrown: a stream's caller decides what it means.
    ///
    /// - Throws: `connectionClosed` when the daemon hung up, `protocolError` for bad bytes.
    public func nextReply(timeout: Duration? = nil, waitingFor: String = "a reply") throws(ClientError) -> Reply? {
        guard let payload = try nextPayload(timeout: timeout, waitingFor: waitingFor) else { return nil }
        do {
            return try FrameDecoder.decode(Reply.self, from: payload)
        } catch {
            throw .protocolError(error)
        }
    }

    /// Sends `request` and returns its single reply; an error reply is thrown as `errorReply`.
    public func call(_ request: Request) throws(ClientError) -> Reply {
        try send(request)
        guard let reply = try nextReply(waitingFor: "the reply to '\(request.operation)'") else {
            throw .connectionClosed(whileWaitingFor: "the reply to '\(request.operation)'")
        }
        if case .error(let code, let message) = reply {
            throw .errorReply(ErrorReply(code: code, message: message))
        }
        return reply
    }

    private func sendFrame<Message: Encodable>(_ message: Message) throws(ClientError) {
        let frame: Data
        do {
            frame = try encoder.encode(message)
        } catch {
            throw .protocolError(error)
        }
        try socket.writeAll(frame)
    }

    /// Reads until a whole frame is buffered; nil when `timeout` passed first.
    private func nextPayload(timeout: Duration?, waitingFor: String = "the daemon's hello") throws(ClientError) -> Data?
    {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            do {
                if let payload = try decoder.nextFrame() { return payload }
            } catch {
                throw .protocolError(error)
            }

            let remaining = deadline.map { max(.zero, $0 - ContinuousClock.now) }
            guard let bytes = try socket.read(timeout: remaining) else { return nil }
            guard !bytes.isEmpty else {
                do {
                    try decoder.finish()
                } catch {
                    throw .protocolError(error)
                }
                throw .connectionClosed(whileWaitingFor: waitingFor)
            }
            decoder.feed(bytes)
        }
    }
}
