import Foundation
import Glibc

@testable import Core
@testable import GlareClient

/// A Unix socket listening on a fresh path under the temporary directory, removed on release.
final class TemporaryListeningSocket: @unchecked Sendable {
    let path: String
    private var descriptor: Int32
    private let directory: URL

    init() throws {
        // Socket paths are limited to 107 bytes: keep the directory name short.
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("gl-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("d.sock").path

        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ClientError.system(operation: "socket", errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw ClientError.system(operation: "bind", errno: errno) }
        guard listen(descriptor, 8) == 0 else { throw ClientError.system(operation: "listen", errno: errno) }
    }

    deinit {
        stopListening()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Closes the listening socket but leaves its file, so a connect is refused.
    func stopListening() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    /// Accepts one connection on a thread and runs `script` on it; the returned function waits
    /// for the script and rethrows its error.
    func serveOne(_ script: @escaping @Sendable (FakeDaemonPeer) throws -> Void) -> () throws -> Void {
        let listening = descriptor
        let done = DispatchSemaphore(value: 0)
        let failure = LockedBox<Error?>(nil)
        Thread.detachNewThread {
            let connection = accept(listening, nil, nil)
            if connection < 0 {
                failure.set(ClientError.system(operation: "accept", errno: errno))
            } else {
                let peer = FakeDaemonPeer(fileDescriptor: connection)
                do { try script(peer) } catch { failure.set(error) }
                peer.socket.close()
            }
            done.signal()
        }
        return {
            guard done.wait(timeout: .now() + 20) == .success else { throw FakeDaemonFailure.closedEarly }
            if let error = failure.get() { throw error }
        }
    }
}

/// A value shared between a test and its helper thread.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func get() -> Value { lock.withLock { value } }

    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
