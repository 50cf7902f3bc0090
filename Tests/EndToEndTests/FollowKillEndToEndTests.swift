import Core
import Foundation
import Glibc
import Testing

extension EndToEnd {
    @Suite("followers killed")
    struct FollowKillEndToEndTests {
        @Test func clientsKilledWhileFollowingLogs_100Times_leaveTheDaemonAnswering() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }
            let daemonPid = try #require(harness.daemonProcessIdentifier)

            let id = try harness.submit(Trainings.long)
            try harness.waitForJob(id, timeout: .seconds(120)) { $0.state == .running }
            let descriptorsBefore = openDescriptorCount(daemonPid)

            var generator = SystemRandomNumberGenerator()
            for round in 0..<100 {
                let follower = try harness.launchCtl(["logs", "-f", String(id)])
                // Kill at varied moments: before the hello, mid-stream, while waiting for new bytes.
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.05, using: &generator))
                kill(follower.process.processIdentifier, SIGKILL)
                follower.process.waitUntilExit()
                #expect(kill(daemonPid, 0) == 0, "glared died at round \(round)\n\(harness.daemonLog())")
            }

            let status = try harness.ctl(["status"], timeout: .seconds(10))
            #expect(status.status == 0, "\(status)\n\(harness.daemonLog())")
            #expect(try harness.show(id).state == .running)
            let log = try harness.ctl(["logs", String(id)], timeout: .seconds(10))
            #expect(log.status == 0, "\(log)")

            // The daemon notices the dead followers and closes their connections.
            let deadline = ContinuousClock.now + .seconds(30)
            var descriptorsAfter = openDescriptorCount(daemonPid)
            while descriptorsAfter > descriptorsBefore + 10 && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.5)
                descriptorsAfter = openDescriptorCount(daemonPid)
            }
            #expect(
                descriptorsAfter <= descriptorsBefore + 10,
                "glared holds \(descriptorsAfter) descriptors after 100 killed followers, \(descriptorsBefore) before")

            #expect(try harness.ctl(["cancel", String(id)]).status == 0)
            _ = try harness.ctl(["wait", String(id)], timeout: .seconds(60))
        }

        private func openDescriptorCount(_ pid: Int32) -> Int {
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
        }
    }
}
