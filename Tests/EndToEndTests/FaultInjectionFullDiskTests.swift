import Core
import Foundation
import Glibc
import Testing

extension EndToEnd {
    /// A state directory on a nearly full file system: the job that cannot write fails with a clear
    /// reason, and the daemon keeps serving and recovers once space is freed.
    @Suite("fault injection: full disk")
    struct FaultInjectionFullDiskTests {
        /// The size of the tmpfs the state directory is mounted on.
        static let fileSystemSize = "16m"

        /// Bytes left free after the filler: room for the queue's write-ahead log and the job's
        /// small files (about 50 kB measured for one job), far less than the failing job's checkpoint.
        static let reserveBytes = 512 * 1024

        /// A training whose first checkpoint (64 features a level) is larger than the reserve.
        static let largeCheckpointTraining = [
            "train", "--dataset", "builtin:synthetic?samples=100", "--epochs", "1",
            "--option", "widths0=64", "--option", "widths1=64", "--option", "widths2=64", "--option", "head=64",
        ]

        @Test func jobOnFullDisk_failsSayingNoSpace_andDaemonKeepsServingAndRecovers() throws {
            guard geteuid() == 0 else {
                print("fault injection: full disk skipped: mounting a tmpfs needs root")
                return
            }
            let harness = try DaemonHarness()
            let state = harness.stateDirectory.path
            let mounted = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(Self.fileSystemSize)", "tmpfs", state])
            guard mounted.status == 0 else {
                print("fault injection: full disk skipped: mount -t tmpfs failed: \(mounted.output)")
                return
            }
            defer {
                harness.stop(timeout: .seconds(10))
                if let unmounted = try? run("/bin/umount", [state]), unmounted.status != 0 {
                    _ = try? run("/bin/umount", ["-l", state])
                }
            }
            try harness.start()

            let earlier = try harness.submit(Trainings.tiny + ["--name", "before the disk filled"])
            let first = try harness.waitForJob(earlier, timeout: .seconds(60)) { $0.state.isFinal }
            try #require(first.state == .succeeded, "\(first)\n\(harness.jobLog(earlier))")

            let filler = harness.stateDirectory.appendingPathComponent("filler")
            let fillerBytes = try availableBytes(state) - Self.reserveBytes
            try allocate(filler.path, bytes: fillerBytes)
            let freeAfterFilling = try availableBytes(state)

            let failing = try harness.submit(Self.largeCheckpointTraining + ["--name", "on a full disk"])
            let failed = try harness.waitForJob(failing, timeout: .seconds(60)) { $0.state.isFinal }
            let reason = failed.reason ?? ""
            print(
                "fault injection: full disk: filler \(fillerBytes) bytes, \(freeAfterFilling) bytes free; "
                    + "job \(failing) ended \(failed.state.rawValue): \(reason)")
            #expect(failed.state == .failed, "\(failed)\n\(harness.jobLog(failing))")
            #expect(
                reason.localizedCaseInsensitiveContains("no space left on device"),
                "the reason does not say the disk is full: \(reason)\n\(harness.daemonLog())")

            #expect(harness.daemonProcessIdentifier != nil, "glared ended\n\(harness.daemonLog())")
            let status = try harness.ctl(["status"], timeout: .seconds(20))
            #expect(status.status == 0, "\(status)")
            let listed = try harness.ctl(["list", "--all"], timeout: .seconds(20))
            #expect(listed.status == 0, "\(listed)")

            try FileManager.default.removeItem(at: filler)
            let later = try harness.submit(Trainings.tiny + ["--name", "after the disk was freed"])
            let recovered = try harness.waitForJob(later, timeout: .seconds(60)) { $0.state.isFinal }
            #expect(recovered.state == .succeeded, "\(recovered)\n\(harness.jobLog(later))")

            let jobs = try harness.listAll()
            #expect(Set(jobs.map(\.id)) == [earlier, failing, later], "jobs after the full disk: \(jobs.map(\.id))")
            #expect(jobs.first { $0.id == earlier }?.state == .succeeded, "\(jobs)")
            #expect(jobs.first { $0.id == failing }?.state == .failed, "\(jobs)")
        }

        /// Runs a command to its end and returns its status and merged output.
        private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }

        /// The bytes an unprivileged writer may still use on the file system holding `path`.
        private func availableBytes(_ path: String) throws -> Int {
            var information = statvfs()
            guard statvfs(path, &information) == 0 else { throw SystemCallError("statvfs \(path)") }
            return Int(information.f_bavail) * Int(information.f_frsize)
        }

        /// Creates a file of `bytes` bytes whose blocks are really taken (a sparse file would take none).
        private func allocate(_ path: String, bytes: Int) throws {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw SystemCallError("open \(path)") }
            defer { close(descriptor) }
            let result = posix_fallocate(descriptor, 0, off_t(bytes))
            guard result == 0 else { throw SystemCallError("posix_fallocate \(path)", code: result) }
        }
    }
}
