import Core
import Foundation
import GlareClient
import Glibc
import Testing

extension EndToEnd {
    /// glared started with SIGTERM blocked still stops on it.
    @Suite("fault injection: inherited signal mask")
    struct FaultInjectionSignalMaskTests {
        /// Foundation's `Process` passes the calling thread's signal mask to the child, and the test
        /// runner's threads block SIGTERM; a supervisor or script with a blocked mask does the same.
        @Test func daemonStartedByFoundationProcess_stopsOnSIGTERMWithinSeconds() throws {
            let harness = try DaemonHarness()
            var blocked = sigset_t()
            sigemptyset(&blocked)
            #expect(pthread_sigmask(SIG_SETMASK, nil, &blocked) == 0)
            print(
                "fault injection: SIGTERM blocked in the thread starting glared: \(sigismember(&blocked, SIGTERM) == 1)"
            )

            let process = Process()
            process.executableURL = harness.binaries.appendingPathComponent("glared")
            process.arguments = ["--state-dir", harness.stateDirectory.path, "--socket", harness.socketPath]
            var environment = ProcessInfo.processInfo.environment
            environment["OPENBLAS_NUM_THREADS"] = "1"
            environment.removeValue(forKey: "NOTIFY_SOCKET")
            process.environment = environment
            let log = harness.directory.appendingPathComponent("glared.log")
            #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

            let answerDeadline = ContinuousClock.now + .seconds(30)
            var answered = false
            while !answered && process.isRunning && ContinuousClock.now < answerDeadline {
                if let connection = try? DaemonConnection.open(socketPath: harness.socketPath, timeout: .seconds(2)) {
                    connection.close()
                    answered = true
                } else {
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            try #require(answered, "glared did not answer\n\(harness.daemonLog())")

            let sent = ContinuousClock.now
            #expect(kill(process.processIdentifier, SIGTERM) == 0)
            while process.isRunning && ContinuousClock.now - sent < .seconds(10) {
                Thread.sleep(forTimeInterval: 0.02)
            }
            let elapsed = ContinuousClock.now - sent
            print("fault injection: glared started by Foundation.Process stopped \(elapsed) after SIGTERM")
            #expect(!process.isRunning, "glared ignored SIGTERM for 10 s\n\(harness.daemonLog())")
            #expect(elapsed < .seconds(5), "glared took \(elapsed) to stop")
            if !process.isRunning {
                #expect(
                    process.terminationReason == .exit && process.terminationStatus == 0,
                    "glared ended with \(process.terminationReason) \(process.terminationStatus)")
            }
        }
    }
}
