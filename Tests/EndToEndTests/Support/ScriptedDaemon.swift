import Core
import Foundation
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
    private let listeningDescriptor: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var received: [Request] = []

    init(handler: @escaping Handler) throws {
        directory = URL(fileURLWithPath: "/tmp/glare-fake-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socketPath = directory.appendingPathComponent("s.sock").path
        self.handler = handler

        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ClientError.system(operation: "socket", errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            throw ClientError.system(operation: "bind and listen", errno: errno)
        }
        listeningDescriptor = descriptor
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit {
        // Wakes the accept loop with an error, which ends it.
        shutdown(listeningDescriptor, Int32(SHUT_RDWR))
        close(listeningDescriptor)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Every request received so far, from all connections.
    var requests: [Request] { lock.withLock { received } }

    private func acceptLoop() {
        while true {
            let connection = accept(listeningDescriptor, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread.detachNewThread { [self] in serve(connection) }
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
