import Foundation
import Glibc
import Testing

@testable import Core

/// Process start times from /proc, which tell a worker from a later process with its pid.
@Suite("Process inspector")
struct ProcessInspectorTests {
    @Test func startTime_fromStatLine_countsFieldsAfterTheCommandName() {
        // The command name may hold spaces and parentheses; field 22 is 424242 here.
        let line = "1234 (odd) name)) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 424242 1000 50"
        #expect(ProcessInspector.startTime(fromStatLine: line) == 424242)
        #expect(ProcessInspector.startTime(fromStatLine: "1 (short) S 1") == nil)
        #expect(ProcessInspector.startTime(fromStatLine: "no parenthesis") == nil)
    }

    @Test func isAlive_forThisProcess_isTrueOnlyWithItsStartTime() throws {
        let pid = getpid()
        let start = try #require(ProcessInspector.startTime(of: pid))
        #expect(ProcessInspector.isAlive(pid: pid, startTime: start))
        #expect(!ProcessInspector.isAlive(pid: pid, startTime: start + 1))
    }

    @Test func isAlive_forAReapedChild_isFalse() throws {
        let pid = try ProcessSpawner.spawn(
            executable: "/bin/true", arguments: [], environment: [:], outputFileDescriptor: 2)
        let start = ProcessInspector.startTime(of: pid)
        _ = try ProcessSpawner.waitForExit(pid)
        #expect(start != nil)
        #expect(!ProcessInspector.isAlive(pid: pid, startTime: start ?? 0))
    }
}
