import Foundation
import Glibc

@testable import Core
@testable import GlareClient

/// The daemon's end of a connection in tests: reads frames and answers as a script says.
final class FakeDaemonPeer {
    let socket: UnixSocket
    private var decoder = FrameDecoder()
    private let encoder = FrameEncoder()

    init(fileDescriptor: Int32) {
        socket = UnixSocket(adopting: fileDescriptor)
    }

    /// The next frame's payload, or nil at end of stream.
    func receivePayload() throws -> Data? {
        while true {
            if let payload = try decoder.nextFrame() { return payload }
            guard let bytes = try socket.read(timeout: .seconds(10)), !bytes.isEmpty else { return nil }
            decoder.feed(bytes)
        }
    }

    /// Reads the client's hello and answers with the daemon's.
    func acceptHello() throws {
        guard let payload = try receivePayload() else { throw FakeDaemonFailure.closedEarly }
        _ = try Hello.read(from: payload)
        try send(Hello(software: "fake-glared"))
    }

    /// The next request, or nil at end of stream.
    func receiveRequest() throws -> Request? {
        guard let payload = try receivePayload() else { return nil }
        return try FrameDecoder.decode(Request.self, from: payload)
    }

    func send<Message: Encodable>(_ message: Message) throws {
        try socket.writeAll(try encoder.encode(message))
    }

    func sendRaw(_ bytes: [UInt8]) throws {
        try socket.writeAll(Data(bytes))
    }
}

enum FakeDaemonFailure: Error {
    case closedEarly
}

/// A connected pair: the client's `UnixSocket` and a fake daemon running `script` on its own thread.
///
/// `finish()` waits for the script and rethrows what it threw, so a test sees the daemon side's
/// failures as well as the client's.
final class FakeDaemon: @unchecked Sendable {
    let clientSocket: UnixSocket
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var scriptError: Error?

    init(script: @escaping @Sendable (FakeDaemonPeer) throws -> Void) throws {
        var descriptors: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &descriptors) == 0
        else {
            throw ClientError.system(operation: "socketpair", errno: errno)
        }
        clientSocket = UnixSocket(adopting: descriptors[0])
        let daemonDescriptor = descriptors[1]
        Thread.detachNewThread { [self] in
            let peer = FakeDaemonPeer(fileDescriptor: daemonDescriptor)
            do {
                try script(peer)
            } catch {
                lock.withLock { scriptError = error }
            }
            peer.socket.close()
            done.signal()
        }
    }

    /// Waits for the script to end and rethrows its error.
    func finish() throws {
        clientSocket.close()
        try waitForScript()
    }

    /// Waits for the script to end (its end of the socket closed) and rethrows its error, leaving
    /// the client's end open.
    func waitForScript() throws {
        guard done.wait(timeout: .now() + 20) == .success else { throw FakeDaemonFailure.closedEarly }
        if let error = lock.withLock({ scriptError }) { throw error }
    }

    /// Opens a `DaemonConnection` over the client end.
    func connect() throws(ClientError) -> DaemonConnection {
        try DaemonConnection(socket: clientSocket, socketPath: "fake", timeout: .seconds(10))
    }
}
