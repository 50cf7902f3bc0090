import Core
import Foundation
import GlareClient
import Testing

extension EndToEnd {
    @Suite("dependencies")
    struct DependencyEndToEndTests {
        @Test func job_afterAFailedJob_failsNamingTheParent() throws {
            let harness = try DaemonHarness()
            try harness.start()
            defer { harness.stop() }

            let parent = try Trainings.failing(in: harness)
            let child = try harness.submit(Trainings.tiny + ["--after", String(parent)])

            let wait = try harness.ctl(["wait", String(child)], timeout: .seconds(120))
            #expect(wait.status == ExitStatus.jobFailed.rawValue, "\(wait)\n\(harness.daemonLog())")
            #expect(try harness.show(parent).state == .failed)

            let job = try harness.show(child)
            #expect(job.state == .failed)
            #expect(job.dependencies == [parent])
            #expect(job.startedAt == nil, "a job whose dependency failed must never start: \(job)")
            let reason = job.reason ?? ""
            #expect(reason.range(of: "\\b\(parent)\\b", options: .regularExpression) != nil, "reason: \(reason)")
        }
    }
}
