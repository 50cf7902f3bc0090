import FoundationEssentials
import Glibc

/// A connected Unix stream socket, owned by this value and closed when it is released.
///
/// Every system call goes through here once and turns a failure into `ClientError.system` naming
/// the call. Writes use `MSG_NOSIGNAL`, so a daemon that went away shows up as an error, not as
/// a SIGPIPE that kills the client.
public final class UnixSocket {
    /// The file descriptor; -1 once closed.
    public private(set) var fileDescriptor: Int32

    /// Takes ownership of a connected socket, for example one end of a `socketpair`.
    public init(adopting fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    deinit { close() }

    /// Connects to the socket file at `path`.
    ///
    /// - Throws: `ClientError.daemonUnreachable` naming the path when there is no socket file,
    ///   nothing listens on it or the caller may not open it; `ClientError.system` otherwise.
    public static func connect(toPath path: String) throws(ClientError) -> UnixSocket {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            throw .daemonUnreachable(
                socketPath: path, reason: "the path is longer than the \(capacity - 1) bytes a socket path may have")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }

        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .system(operation: "socket", errno: errno) }
        let connection = UnixSocket(adopting: descriptor)

        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let failure = errno
            switch failure {
            case ENOENT: throw .daemonUnreachable(socketPath: path, reason: "no socket there (is glared running?)")
            case ECONNREFUSED:
                throw .daemonUnreachable(socketPath: path, reason: "nothing is listening (is glared running?)")
            case EACCES, EPERM: throw .daemonUnreachable(socketPath: path, reason: "permission denied")
            case ENOTDIR: throw .daemonUnreachable(socketPath: path, reason: "a part of the path is not a directory")
            case ENOTSOCK: throw .daemonUnreachable(socketPath: path, reason: "the file there is not a socket")
            default: throw .system(operation: "connect to \(path)", errno: failure)
            }
        }
        return connection
    }

    /// Writes all of `data`, retrying after interruptions and short writes.
    public func writeAll(_ data: Data) throws(ClientError) {
        let failure = data.withUnsafeBytes { bytes in
            DescriptorWriter.writeAll(bytes) { send(fileDescriptor, $0, $1, Int32(MSG_NOSIGNAL)) }
        }
        switch failure {
        case nil: return
        case EPIPE, ECONNRESET: throw .connectionClosed(whileWaitingFor: "a request to be sent")
        case let failure?: throw .system(operation: "send", errno: failure)
        }
    }

    /// Reads what is available, up to `maximumBytes`, waiting at most `timeout` (forever when nil).
    ///
    /// - Returns: the bytes read; an empty array at end of stream; nil when the timeout passed.
    public func read(maximumBytes: Int = 64 * 1024, timeout: Duration? = nil) throws(ClientError) -> [UInt8]? {
        if let timeout, try !waitUntilReadable(timeout: timeout) { return nil }

        var bytes = [UInt8](repeating: 0, count: maximumBytes)
        while true {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, maximumBytes) }
            if count >= 0 { return Array(bytes[0..<count]) }
            if errno == EINTR { continue }
            // A reset is the peer going away, like an end of stream.
            if errno == ECONNRESET { return [] }
            throw .system(operation: "read", errno: errno)
        }
    }

    /// Closes the socket; later calls do nothing.
    public func close() {
        guard fileDescriptor >= 0 else { return }
        // close(2) is not retried after EINTR on Linux: the descriptor is released either way.
        _ = Glibc.close(fileDescriptor)
        fileDescriptor = -1
    }

    private func waitUntilReadable(timeout: Duration) throws(ClientError) -> Bool {
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&descriptor, 1, milliseconds)
            if ready >= 0 { return ready > 0 }
            if errno == EINTR { continue }
            throw .system(operation: "poll", errno: errno)
        }
    }
}
