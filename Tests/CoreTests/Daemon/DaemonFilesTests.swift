import Foundation
import Glibc
import Testing

@testable import Core

@Suite("Daemon files")
struct DaemonFilesTests {
    @Test func prepareStateDirectory_whenItExistsOpenToEveryone_closesItTo0711() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.url.appendingPathComponent("state")
        for path in [state.path, state.appendingPathComponent("jobs").path] {
            #expect(mkdir(path, 0o755) == 0 && chmod(path, 0o777) == 0)
        }

        let files = DaemonFiles(stateDirectory: state, runsAsRoot: geteuid() == 0)
        try files.prepareStateDirectory()

        #expect(try mode(of: state.path) == 0o711)
        #expect(try mode(of: state.appendingPathComponent("jobs").path) == 0o711)
    }

    // Handing a directory to another user needs root.
    @Test(.enabled(if: geteuid() == 0))
    func prepareJob_whenALeftoverDirectoryBelongsToSomeoneElse_refuses() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let files = DaemonFiles(stateDirectory: directory.url.appendingPathComponent("state"), runsAsRoot: true)
        try files.prepareStateDirectory()
        let job = JobRecord(
            id: 7, spec: JobSpec(kind: .extract, dataset: "builtin:synthetic"), owner: 64_001,
            ownerName: "someone", group: "extract", priority: 0, dependencies: [], state: .running, createdAt: 0)
        let leftover = files.directory(of: job.id).url.path
        #expect(mkdir(leftover, 0o700) == 0 && chown(leftover, 64_002, 64_002) == 0)

        #expect(throws: SystemCallError.self) { try files.prepare(job: job, ownerGroup: 64_001) }

        // Its own directory, loosened by its owner, is closed again.
        #expect(chown(leftover, 64_001, 64_001) == 0 && chmod(leftover, 0o755) == 0)
        try files.prepare(job: job, ownerGroup: 64_001)
        #expect(try mode(of: leftover) == 0o700)
    }

    private func mode(of path: String) throws -> mode_t {
        var status = stat()
        guard lstat(path, &status) == 0 else { throw SystemCallError("lstat \(path)") }
        return status.st_mode & 0o7777
    }
}
