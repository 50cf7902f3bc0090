import Core
import Foundation
import GlareClient
import Testing

extension EndToEnd {
    @Suite("wait")
    struct WaitEndToEndTests {
        @Test func wait_exitsZeroOnlyWhenEveryJobSucceeded() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            let good = try harness.submit(Trainings.tiny)
            let bad = try Trainings.failing(in: harness, after: good)

            let waitGood = try harness.ctl(["wait", String(good)], timeout: .seconds(300))
            #expect(waitGood.status == ExitStatus.success.rawValue, "\(waitGood)\n\(harness.jobLog(good))")
            #expect(waitGood.trimmedOutput == "\(good) succeeded")

            let waitBad = try harness.ctl(["wait", String(bad)], timeout: .seconds(120))
            #expect(waitBad.status == ExitStatus.jobFailed.rawValue, "\(waitBad)")
            #expect(waitBad.errorOutput.contains("job \(bad) failed"), "\(waitBad)")

            let waitBoth = try harness.ctl(["wait", String(good), String(bad)], timeout: .seconds(60))
            #expect(waitBoth.status == ExitStatus.jobFailed.rawValue, "\(waitBoth)")

            let failed = try harness.show(bad)
            #expect(failed.state == .failed)
            #expect(!(failed.reason ?? "").isEmpty, "a failed job must say why: \(failed)")

            let waitUnknown = try harness.ctl(["wait", "987654"], timeout: .seconds(30))
            #expect(waitUnknown.status == ExitStatus.notFound.rawValue, "\(waitUnknown)")
        }

        @Test func versions_ofGlarectlAndGlared_nameOneRelease() throws {
            let harness = try DaemonHarness()
            let client = try harness.ctl(["--version"], timeout: .seconds(30))
            #expect(
                client.status == 0 && client.output == "glarectl \(GlareRelease.version) (protocol 1)\n", "\(client)")

            let daemon = Process()
            daemon.executableURL = harness.binaries.appendingPathComponent("glared")
            daemon.arguments = ["--version"]
            let pipe = Pipe()
            daemon.standardOutput = pipe
            try daemon.run()
            let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            daemon.waitUntilExit()
            #expect(daemon.terminationStatus == 0 && printed == "glared \(GlareRelease.version) (protocol 1)\n")

            try harness.start()
            defer { harness.stop() }
            let status = try harness.ctl(["status", "--json"], timeout: .seconds(30))
            #expect(status.output.contains("glared \(GlareRelease.version)"), "\(status)")
        }

        @Test func glarectl_whenNoDaemon_exitsUnreachableNamingTheSocket() throws {
            let harness = try DaemonHarness()
            let result = try harness.ctl(["status"], timeout: .seconds(30))
            #expect(result.status == ExitStatus.daemonUnreachable.rawValue, "\(result)")
            #expect(result.errorOutput.contains(harness.socketPath), "\(result)")
        }
    }
}
