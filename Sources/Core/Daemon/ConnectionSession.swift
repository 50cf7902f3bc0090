import Foundation

/// Serves one client connection: hello, then one reply (or one stream) per request, in order.
///
/// Framing errors end this connection only: an oversized or malformed frame gets an error reply
/// and the connection is closed; a well-formed frame that is not a request gets `bad_request` and
/// the connection stays. Nothing a client sends can stop the daemon.
final class ConnectionSession {
    private let daemon: Daemon
    private let connection: SocketConnection
    private var decoder = FrameDecoder()
    private let encoder = FrameEncoder()

    /// Seconds a new connection has to send its hello.
    static let helloTimeout = 30.0

    init(daemon: Daemon, connection: SocketConnection) {
        self.daemon = daemon
        self.connection = connection
    }

    /// Runs the session to its end and closes the connection.
    func run() {
        defer { connection.close() }
        do {
            try serve()
        } catch let error as ProtocolError {
            // The frame could not be read: say why, then close; the stream cannot be trusted further.
            try? send(.error(error))
        } catch {
            // The peer went away or the socket failed; nothing to answer.
        }
    }

    /// Sends one reply frame.
    ///
    /// - Throws: `ProtocolError` when the reply cannot be framed; `ConnectionLost` when the write fails.
    func send(_ reply: Reply) throws {
        let frame = try encoder.encode(reply)
        do {
            try connection.write(frame)
        } catch {
            throw ConnectionLost(detail: error.description)
        }
    }

    /// The connection, for streams that watch it between chunks.
    var socket: SocketConnection { connection }

    private func serve() throws {
        let credentials = try connection.peerCredentials()
        let configuration = daemon.configuration
        if let refusal = daemon.connectionLimiter.admit(
            uid: credentials.uid, totalLimit: configuration.maxConnections,
            perUserLimit: configuration.maxConnectionsPerUser)
        {
            daemon.log.warning(
                "connection refused: too many connections",
                ["GLARE_UID": String(credentials.uid), "GLARE_OPERATION": "connect"])
            try send(.error(code: .busy, message: refusal))
            return
        }
        defer { daemon.connectionLimiter.release(uid: credentials.uid) }
        // A peer that connects and says nothing would hold a thread for ever.
        guard try connection.waitUntilReadable(timeout: ConnectionSession.helloTimeout) else { return }
        guard let helloPayload = try nextFrame() else { return }
        _ = try Hello.read(from: helloPayload)

        if daemon.daemonUid != 0 && credentials.uid != daemon.daemonUid {
            daemon.log.warning(
                "connection refused: this glared serves only its own user",
                ["GLARE_UID": String(credentials.uid), "GLARE_OPERATION": "connect"])
            try send(
                .error(
                    code: .denied,
                    message: "this glared runs as uid \(daemon.daemonUid) and serves only that user; "
                        + "use the system daemon or your own"))
            return
        }
        let caller = Caller.identify(credentials, daemonUid: daemon.daemonUid, adminGroup: configuration.adminGroup)
        try connection.write(try encoder.encode(Hello(software: Daemon.softwareVersion)))

        let handler = RequestHandler(daemon: daemon, caller: caller, session: self)
        while let payload = try nextFrame(idleTimeout: configuration.idleSeconds) {
            let request: Request
            switch Result(catching: { () throws(ProtocolError) -> Request in
                try FrameDecoder.decode(Request.self, from: payload)
            }) {
            case .success(let decoded):
                request = decoded
            case .failure(let error):
                // Well-formed JSON that is not a request keeps the connection; anything worse ends it.
                guard !error.closesConnection else { throw error }
                try send(.error(error))
                continue
            }
            guard try handler.handle(request) else { return }
        }
    }

    /// The next frame's payload; nil when the peer closed cleanly between frames, or sent nothing
    /// for `idleTimeout` seconds.
    private func nextFrame(idleTimeout: Double? = nil) throws -> Data? {
        while true {
            if let frame = try decoder.nextFrame() { return frame }
            if let idleTimeout, try !connection.waitUntilReadable(timeout: idleTimeout) { return nil }
            let bytes = try connection.read()
            if bytes.isEmpty {
                try decoder.finish()
                return nil
            }
            decoder.feed(bytes)
        }
    }
}

/// The peer went away while the daemon was writing to it; nothing more can be said on the connection.
struct ConnectionLost: Error {
    var detail: String
}
