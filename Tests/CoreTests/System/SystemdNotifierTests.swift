import Foundation
import Glibc
import Testing

@testable import Core

/// sd_notify and the watchdog, received on our own datagram socket through `NOTIFY_SOCKET`
/// (PID 1 here is not systemd). Serialized: the variables are the process's.
@Suite("systemd notifications", .serialized)
struct SystemdNotifierTests {
    /// A bound datagram socket that stands in for systemd's notification socket.
    final class FakeManager {
        let path: String
        let descriptor: Int32

        init() throws {
            path = "/tmp/glare-notify-\(UUID().uuidString.prefix(8)).sock"
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var address = try SocketAddress.make(path: path)
            let result = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard result == 0 else { throw SystemCallError("bind \(path)") }
        }

        /// The next datagram, waiting up to a second.
        func receive() -> String? {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 1000) == 1 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count >= 0 else { return nil }
            return String(decoding: buffer[0..<count], as: UTF8.self)
        }

        deinit {
            close(descriptor)
            unlink(path)
        }
    }

    @Test func ready_sendsReadyAndStatus() throws {
        let manager = try FakeManager()
        setenv("NOTIFY_SOCKET", manager.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }

        #expect(try SystemdNotifier.ready(status: "0 running, 2 queued"))
        #expect(manager.receive() == "READY=1\nSTATUS=0 running, 2 queued")
        #expect(try SystemdNotifier.stopping(status: "stopping"))
        #expect(manager.receive() == "STOPPING=1\nSTATUS=stopping")
    }

    @Test func notify_withoutManager_returnsFalse() throws {
        unsetenv("NOTIFY_SOCKET")
        #expect(try SystemdNotifier.notify("READY=1") == false)
    }

    @Test func watchdogInterval_isHalfOfWatchdogUsec() throws {
        setenv("WATCHDOG_USEC", "3000000", 1)
        setenv("WATCHDOG_PID", String(getpid()), 1)
        defer {
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        #expect(try SystemdNotifier.watchdogPingInterval() == 1.5)

        setenv("WATCHDOG_PID", String(getpid() + 1), 1)
        #expect(try SystemdNotifier.watchdogPingInterval() == nil)
    }

    @Test func watchdogInterval_withoutWatchdog_isNil() throws {
        unsetenv("WATCHDOG_USEC")
        #expect(try SystemdNotifier.watchdogPingInterval() == nil)
    }

    @Test func daemon_sendsReadyWithCountsThenStopping() throws {
        let manager = try FakeManager()
        setenv("NOTIFY_SOCKET", manager.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let directory = URL(fileURLWithPath: "/tmp/glare-notify-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }

        let daemon = try Daemon(
            options: DaemonOptions(
                stateDirectory: directory.appendingPathComponent("state"),
                socketPath: directory.appendingPathComponent("s.sock").path,
                launcher: LocalJobLauncher(workerExecutable: "/bin/false"), log: JournalLog(destination: .discard),
                environment: [:], notifiesSystemd: true))
        try daemon.start()
        #expect(manager.receive() == "READY=1\nSTATUS=0 running, 0 queued, 0 interrupted")
        daemon.stop()
        var messages: [String] = []
        while let message = manager.receive() { messages.append(message) }
        #expect(messages.contains { $0.hasPrefix("STOPPING=1") }, "received: \(messages)")
    }

    @Test func daemon_pingsTheWatchdogAtHalfItsInterval() throws {
        let manager = try FakeManager()
        setenv("NOTIFY_SOCKET", manager.path, 1)
        setenv("WATCHDOG_USEC", "1000000", 1)
        setenv("WATCHDOG_PID", String(getpid()), 1)
        defer {
            unsetenv("NOTIFY_SOCKET")
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        let directory = URL(fileURLWithPath: "/tmp/glare-watchdog-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let daemon = try Daemon(
            options: DaemonOptions(
                stateDirectory: directory.appendingPathComponent("state"),
                socketPath: directory.appendingPathComponent("s.sock").path,
                launcher: LocalJobLauncher(workerExecutable: "/bin/false"), log: JournalLog(destination: .discard),
                environment: [:], notifiesSystemd: true))
        try daemon.start()
        defer { daemon.stop() }

        var pings: [Date] = []
        let deadline = Date(timeIntervalSinceNow: 3)
        while Date() < deadline, pings.count < 3 {
            if let message = manager.receive(), message.contains("WATCHDOG=1") { pings.append(Date()) }
        }
        #expect(pings.count >= 3, "watchdog pings in 3 s: \(pings.count)")
        if pings.count >= 3 {
            // Half of 1 s, give or take one housekeeping pass (0.5 s).
            let gap = pings[2].timeIntervalSince(pings[1])
            #expect(gap >= 0.4 && gap <= 1.1, "gap between pings: \(gap) s")
        }
    }

    @Test func listenFileDescriptors_takesSystemdsSocketsAndClearsTheVariables() throws {
        setenv("LISTEN_FDS", "1", 1)
        setenv("LISTEN_PID", String(getpid()), 1)
        #expect(try SystemdNotifier.listenFileDescriptors() == [3])
        #expect(getenv("LISTEN_FDS") == nil && getenv("LISTEN_PID") == nil)

        setenv("LISTEN_FDS", "1", 1)
        setenv("LISTEN_PID", String(getpid() + 1), 1)
        defer {
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_PID")
        }
        #expect(try SystemdNotifier.listenFileDescriptors().isEmpty)
    }

    @Test func daemon_servesOnAnInheritedListenerAndLeavesItsFile() throws {
        let directory = URL(fileURLWithPath: "/tmp/glare-activate-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("activated.sock").path

        // What systemd does for glared.socket: bind and listen, then hand over the descriptor.
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = try SocketAddress.make(path: path)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0 && listen(descriptor, 16) == 0)

        let daemon = try Daemon(
            options: DaemonOptions(
                stateDirectory: directory.appendingPathComponent("state"),
                socketPath: directory.appendingPathComponent("unused.sock").path,
                launcher: LocalJobLauncher(workerExecutable: "/bin/false"), log: JournalLog(destination: .discard),
                inheritedListener: descriptor, environment: [:], notifiesSystemd: false))
        try daemon.start()
        let connection = try SocketConnection.connect(toPath: path)
        try connection.write(try FrameEncoder().encode(Hello(software: "test")))
        #expect(try connection.waitUntilReadable(timeout: 5))
        var decoder = FrameDecoder()
        decoder.feed(try connection.read())
        #expect(try decoder.nextMessage(Hello.self)?.hello == "glare")
        connection.close()
        daemon.stop()

        #expect(access(path, F_OK) == 0, "the activated socket's file is systemd's to remove")
        #expect(access(directory.appendingPathComponent("unused.sock").path, F_OK) != 0)
    }
}
