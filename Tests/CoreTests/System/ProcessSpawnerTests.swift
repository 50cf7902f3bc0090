import Foundation
import Glibc
import Testing

@testable import Core

/// Spawning workers in their own process group, killing the group, and exit statuses.
@Suite("Process spawner")
struct ProcessSpawnerTests {
    /// Spawns `/bin/sh -c script` with its output in a temporary file; returns the pid and the file.
    func spawnShell(
        _ script: String, environment: [String: String] = ["PATH": "/usr/bin:/bin"]
    ) throws -> (Int32, String) {
        let output = "/tmp/glare-spawn-\(UUID().uuidString.prefix(8)).out"
        let descriptor = open(output, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        let pid = try ProcessSpawner.spawn(
            executable: "/bin/sh", arguments: ["-c", script], environment: environment, outputFileDescriptor: descriptor
        )
        return (pid, output)
    }

    @Test func spawn_putsTheChildInItsOwnGroupWithExactlyTheGivenEnvironment() throws {
        let (pid, output) = try spawnShell("env; sleep 0.2", environment: ["PATH": "/usr/bin:/bin", "ONLY_THIS": "1"])
        defer { unlink(output) }
        #expect(getpgid(pid) == pid)
        #expect(getpgid(pid) != getpgrp())
        #expect(try ProcessSpawner.waitForExit(pid) == .exited(0))

        let lines = Set(try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map(String.init))
        #expect(lines.contains("ONLY_THIS=1"))
        #expect(lines.contains("PATH=/usr/bin:/bin"))
        #expect(!lines.contains { $0.hasPrefix("HOME=") })
    }

    @Test func signalGroup_reachesTheChildAndItsOwnChildren() throws {
        let pidFile = "/tmp/glare-spawn-\(UUID().uuidString.prefix(8)).pid"
        defer { unlink(pidFile) }
        let (pid, output) = try spawnShell("sleep 30 & echo $! > \(pidFile); wait")
        defer { unlink(output) }
        var grandchild: Int32?
        for _ in 0..<100 where grandchild == nil {
            grandchild = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            usleep(20_000)
        }
        let sleeper = try #require(grandchild)
        let sleeperStart = try #require(ProcessInspector.startTime(of: sleeper))

        #expect(try ProcessSpawner.signalGroup(pid, SIGKILL))
        #expect(try ProcessSpawner.waitForExit(pid) == .signaled(SIGKILL))
        var gone = false
        for _ in 0..<100 where !gone {
            gone = !ProcessInspector.isAlive(pid: sleeper, startTime: sleeperStart)
            usleep(20_000)
        }
        #expect(gone, "the grandchild survived the group kill")
    }

    @Test func waitForExit_reportsStatusAndSignal() throws {
        let (interrupted, first) = try spawnShell("exit 75")
        let (terminated, second) = try spawnShell("kill -TERM $$")
        defer {
            unlink(first)
            unlink(second)
        }
        #expect(try ProcessSpawner.waitForExit(interrupted) == .exited(75))
        #expect(try ProcessSpawner.waitForExit(terminated) == .signaled(SIGTERM))
    }

    @Test func spawn_resetsIgnoredSignalsInTheChild() throws {
        // The daemon ignores SIGPIPE; a worker must start with default dispositions.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        let (pid, output) = try spawnShell("grep SigIgn /proc/self/status")
        defer { unlink(output) }
        #expect(try ProcessSpawner.waitForExit(pid) == .exited(0))
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let mask = UInt64(
            text.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", radix: 16)
        let sigpipeBit = UInt64(1) << UInt64(SIGPIPE - 1)
        #expect(mask.map { $0 & sigpipeBit == 0 } == true, "SigIgn: \(text)")
    }

    @Test func spawn_ofMissingExecutable_throwsNamingIt() {
        #expect(throws: SystemCallError.self) {
            _ = try ProcessSpawner.spawn(
                executable: "/no/such/glare-worker", arguments: [], environment: [:], outputFileDescriptor: 2)
        }
    }

    @Test func signalGroup_ofGoneGroup_returnsFalse() throws {
        let (pid, output) = try spawnShell("exit 0")
        defer { unlink(output) }
        _ = try ProcessSpawner.waitForExit(pid)
        #expect(try ProcessSpawner.signalGroup(pid, SIGTERM) == false)
    }
}
