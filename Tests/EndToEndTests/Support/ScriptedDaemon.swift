import Core
import Foundation
import GlareClient
import Glibc

/// A stand-in for glared on a real socket path, answering each request as a handler says.
///
/// It lets the tests run the real glarectl binary against answers glared would rarely give on
/// demand (denied, not found, a failed job with a reason) and check glarectl's output and exit
/// status. Every connection is served on its own thread, as `--follow` holds two at once.
final class ScriptedDaemon: @unchecked Sendable {
    /// Answers one request with the replies to send, in order.
    typealias Handler = @Sendable (Request) -> [Reply]

    let directory: URL
    let socketPath: String
    private let listener: SocketListener
    private let handler: Handler
    private let lock = NSLock()
    private var received: [Request] = []

    init(handler: @escaping Handler) throws {
        directory = URL(fileURLWithPath: "/tmp/glare-fake-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socketPath = directory.appendingPathComponent("s.sock").path
        self.handler = handler

        listener = try SocketListener.bind(path: socketPath, mode: 0o600, backlog: 16)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit {
        // Wakes the accept loop, which then ends.
        listener.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Every request received so far, from all connections.
    var requests: [Request] { lock.withLock { received } }

    private func acceptLoop() {
        while true {
            guard let connection = try? listener.accept() else { return }
            // Served through the client's socket type (the one glarectl reads frames with), on a
            // descriptor of its own.
            let descriptor = dup(connection.fileDescriptor)
            connection.close()
            Thread.detachNewThread { [self] in serve(descriptor) }
        }
    }

    private func serve(_ descriptor: Int32) {
        let socket = UnixSocket(adopting: descriptor)
        var decoder = FrameDecoder()
        let encoder = FrameEncoder()
        var greeted = false
        while true {
            do {
                guard let payload = try decoder.nextFrame() else {
                    guard let bytes = try socket.read(), !bytes.isEmpty else { return }
                    decoder.feed(bytes)
                    continue
                }
                if !greeted {
                    _ = try Hello.read(from: payload)
                    try socket.writeAll(try encoder.encode(Hello(software: "scripted")))
                    greeted = true
                    continue
                }
                let request = try FrameDecoder.decode(Request.self, from: payload)
                lock.withLock { received.append(request) }
                for reply in handler(request) { try socket.writeAll(try encoder.encode(reply)) }
            } catch {
                return
            }
        }
    }
}
