import Foundation
import Glibc

/// One connected Unix stream socket, owned by this object and closed when it is released.
///
/// Reads return what the kernel has; writes send everything or throw. Writes use `MSG_NOSIGNAL`,
/// so a peer that went away is an `EPIPE` error for this connection, never a SIGPIPE for the process.
public final class SocketConnection: @unchecked Sendable {
    // @unchecked: the descriptor is set once; `close` is guarded by a lock so two threads closing
    // at once (a reader and a shutdown) cannot close a reused descriptor number.
    private let lock = NSLock()
    private var descriptor: Int32

    /// Takes ownership of a connected socket.
    public init(adopting fileDescriptor: Int32) {
        self.descriptor = fileDescriptor
    }

    deinit { close() }

    /// The descriptor, or -1 once closed.
    public var fileDescriptor: Int32 {
        lock.lock()
        defer { lock.unlock() }
        return descriptor
    }

    /// Connects to the listening socket at `path` (tests and tools; glarectl has its own client).
    public static func connect(toPath path: String) throws(SystemCallError) -> SocketConnection {
        var address = try SocketAddress.make(path: path)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SystemCallError("socket") }
        let connection = SocketConnection(adopting: descriptor)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw SystemCallError("connect \(path)") }
        return connection
    }

    /// The peer's credentials from the kernel.
    public func peerCredentials() throws(SystemCallError) -> PeerCredentials {
        try PeerCredentials.of(fileDescriptor: fileDescriptor)
    }

    /// Reads up to `maximumCount` bytes; an empty array means the peer closed its end.
    public func read(maximumCount: Int = 64 * 1024) throws(SystemCallError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximumCount)
        let descriptor = fileDescriptor
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, maximumCount) }
            if count >= 0 {
                buffer.removeSubrange(count...)
                return buffer
            }
            if errno == EINTR { continue }
            throw SystemCallError("read from socket")
        }
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: Data) throws(SystemCallError) {
        let descriptor = fileDescriptor
        var failure: SystemCallError?
        bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let count = send(descriptor, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = SystemCallError("write to socket")
                    return
                }
                sent += count
            }
        }
        if let failure { throw failure }
    }

    /// Waits until the peer sent something or closed, for at most `timeout` seconds.
    ///
    /// A follower uses this between polls of a log: a client that vanished shows up as readable
    /// (end of stream) at once instead of at the next write.
    /// - Returns: true when the socket is readable or hung up.
    public func waitUntilReadable(timeout: Double) throws(SystemCallError) -> Bool {
        var entry = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(max(0, min(timeout * 1000, Double(Int32.max))))
        while true {
            let result = poll(&entry, 1, milliseconds)
            if result >= 0 { return result > 0 }
            if errno == EINTR { continue }
            throw SystemCallError("poll socket")
        }
    }

    /// Stops further reads and writes, waking a thread blocked in `read`; the descriptor stays open.
    public func shutdownBothWays() {
        _ = Glibc.shutdown(fileDescriptor, Int32(SHUT_RDWR))
    }

    /// Closes the socket; later calls do nothing.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }
}

/// Builds `sockaddr_un` values.
enum SocketAddress {
    /// The address for a socket file at `path`.
    static func make(path: String) throws(SystemCallError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            throw SystemCallError("socket path \(path) is longer than \(capacity - 1) bytes", code: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        return address
    }
}
