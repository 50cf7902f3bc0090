import Foundation
import Glibc
import Testing

@testable import Core

/// The daemon's listening socket: file mode, stale files, a live socket, peer credentials.
@Suite("Socket listener")
struct SocketListenerTests {
    func temporaryPath() -> String { "/tmp/glare-socket-\(UUID().uuidString.prefix(8)).sock" }

    @Test func bind_setsTheRequestedMode() throws {
        for mode: mode_t in [0o600, 0o666] {
            let path = temporaryPath()
            let listener = try SocketListener.bind(path: path, mode: mode)
            var status = stat()
            #expect(stat(path, &status) == 0)
            #expect(status.st_mode & 0o777 == mode)
            listener.close()
            #expect(access(path, F_OK) != 0, "close leaves the socket file behind")
        }
    }

    @Test func bind_refusesALiveSocket() throws {
        let path = temporaryPath()
        let first = try SocketListener.bind(path: path, mode: 0o600)
        defer { first.close() }
        #expect(throws: SystemCallError.self) { _ = try SocketListener.bind(path: path, mode: 0o600) }
    }

    @Test func bind_replacesAStaleSocket() throws {
        // A socket file whose process is gone, as a crashed daemon leaves it.
        let path = temporaryPath()
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = try SocketAddress.make(path: path)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        close(descriptor)
        #expect(access(path, F_OK) == 0)

        let listener = try SocketListener.bind(path: path, mode: 0o600)
        let client = try SocketConnection.connect(toPath: path)
        #expect(try listener.accept() != nil)
        client.close()
        listener.close()
    }

    @Test func bind_refusesAFileThatIsNotASocket() throws {
        let path = temporaryPath()
        _ = FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8))
        defer { unlink(path) }
        #expect(throws: SystemCallError.self) { _ = try SocketListener.bind(path: path, mode: 0o600) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    @Test func accept_givesPeerCredentialsOfTheConnectingProcess() throws {
        let path = temporaryPath()
        let listener = try SocketListener.bind(path: path, mode: 0o600)
        defer { listener.close() }
        let client = try SocketConnection.connect(toPath: path)
        let server = try #require(try listener.accept())
        let credentials = try server.peerCredentials()
        #expect(credentials == PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid()))

        try client.write(Data("ping".utf8))
        #expect(try server.read() == Array("ping".utf8))
        client.close()
        #expect(try server.read().isEmpty)
    }

    @Test func close_wakesAnAcceptAndLeavesAnAdoptedSocketListeningForItsOwner() throws {
        // systemd keeps the socket it passes open itself; a duplicate descriptor stands for that here.
        let path = temporaryPath()
        let owner = try SocketListener.bind(path: path, mode: 0o600)
        defer { owner.close() }
        let adopted = try SocketListener.adopt(fileDescriptor: dup(owner.fileDescriptor))

        let acceptReturned = DispatchSemaphore(value: 0)
        let waiter = Thread {
            _ = try? adopted.accept()
            acceptReturned.signal()
        }
        waiter.start()
        usleep(100_000)
        adopted.close()
        #expect(acceptReturned.wait(timeout: .now() + 5) == .success, "close did not wake accept")

        // The owner's socket still takes connections: it was not shut down.
        let client = try SocketConnection.connect(toPath: path)
        #expect(try owner.accept() != nil)
        client.close()
    }
}
