import CGlareSystem
import Foundation
import Glibc

/// A listening Unix stream socket: one glared binds itself, or one systemd handed over.
///
/// `close` wakes a thread waiting in `accept` through a pipe of its own rather than with
/// `shutdown`: a socket systemd handed over is shared with systemd, and shutting it down would
/// shut it down for systemd too (the socket unit fails with "Got POLLHUP on a listening socket",
/// and the next connection no longer starts glared).
public final class SocketListener: @unchecked Sendable {
    // @unchecked: `descriptor` changes only in `close`, under the lock.
    private let lock = NSLock()
    private var descriptor: Int32
    /// The socket file, when this process created it (removed again on close).
    public let path: String?
    /// A pipe whose read end becomes readable when `close` runs.
    private let wakeReader: Int32
    private let wakeWriter: Int32

    private init(descriptor: Int32, path: String?) throws(SystemCallError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SystemCallError("pipe") }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        self.descriptor = descriptor
        self.path = path
        wakeReader = ends[0]
        wakeWriter = ends[1]
    }

    deinit {
        close()
        Glibc.close(wakeReader)
        Glibc.close(wakeWriter)
    }

    /// Binds a new socket at `path` with file mode `mode`, and listens.
    ///
    /// A stale socket file (nothing listens on it) is removed first. A live one, or a file there
    /// that is not a socket, is an error: two daemons must not share one socket path.
    public static func bind(
        path: String, mode: mode_t, backlog: Int32 = 128
    ) throws(SystemCallError)
        -> SocketListener
    {
        try removeStaleSocket(at: path)
        var address = try SocketAddress.make(path: path)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SystemCallError("socket") }

        // The umask decides the mode bind gives the file; a tight umask during bind and an explicit
        // chmod after it leave no moment where the socket is more open than asked.
        let oldMask = umask(0o177)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        let bindError = errno
        umask(oldMask)
        guard bound == 0 else {
            Glibc.close(descriptor)
            throw SystemCallError("bind \(path)", code: bindError)
        }
        let listener: SocketListener
        do {
            listener = try SocketListener(descriptor: descriptor, path: path)
        } catch {
            Glibc.close(descriptor)
            _ = unlink(path)
            throw error
        }
        guard chmod(path, mode) == 0 else { throw SystemCallError("chmod \(path)") }
        guard listen(descriptor, backlog) == 0 else { throw SystemCallError("listen \(path)") }
        return listener
    }

    /// Takes a listening socket systemd passed (socket activation); its file is systemd's.
    public static func adopt(fileDescriptor: Int32) throws(SystemCallError) -> SocketListener {
        _ = fcntl(fileDescriptor, F_SETFD, FD_CLOEXEC)
        return try SocketListener(descriptor: fileDescriptor, path: nil)
    }

    /// The listening descriptor, or -1 once closed.
    public var fileDescriptor: Int32 {
        lock.lock()
        defer { lock.unlock() }
        return descriptor
    }

    /// Waits for the next connection; nil once the listener was closed.
    public func accept() throws(SystemCallError) -> SocketConnection? {
        while true {
            let listening = fileDescriptor
            guard listening >= 0 else { return nil }
            guard try waitUntilReadable(listening) else { return nil }
            let connection = glare_accept_cloexec(listening)
            if connection >= 0 { return SocketConnection(adopting: connection) }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO: continue
            case EBADF, EINVAL: return nil
            // Out of descriptors or memory: pause rather than spin, then try again.
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                usleep(100_000)
                continue
            default: throw SystemCallError("accept")
            }
        }
    }

    /// Waits until `listening` has a connection to accept (true) or `close` ran (false).
    private func waitUntilReadable(_ listening: Int32) throws(SystemCallError) -> Bool {
        var descriptors = [
            pollfd(fd: listening, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 && errno == EINTR { continue }
            guard ready >= 0 else { throw SystemCallError("poll") }
            // The wake-up is checked first: after close the listening number may be stale.
            if descriptors[1].revents != 0 { return false }
            return true
        }
    }

    /// Stops listening (waking a thread in `accept`) and removes the socket file this process made.
    ///
    /// The socket itself is only closed, never shut down: one systemd passed stays open in
    /// systemd, which keeps listening and starts glared again on the next connection.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard descriptor >= 0 else { return }
        // The wake-up goes first, so a thread about to poll sees it before the number goes stale.
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)
        _ = Glibc.close(descriptor)
        descriptor = -1
        if let path { _ = unlink(path) }
    }

    /// Removes a socket file nobody listens on; refuses a live socket or a file of another kind.
    private static func removeStaleSocket(at path: String) throws(SystemCallError) {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return }
            throw SystemCallError("lstat \(path)")
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw SystemCallError("\(path) exists and is not a socket", code: EEXIST)
        }
        if let probe = try? SocketConnection.connect(toPath: path) {
            probe.close()
            throw SystemCallError("another daemon is listening on \(path)", code: EADDRINUSE)
        }
        guard unlink(path) == 0 else { throw SystemCallError("unlink stale socket \(path)") }
    }
}
