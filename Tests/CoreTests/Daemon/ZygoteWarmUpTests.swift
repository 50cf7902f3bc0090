import Foundation
import Glibc
import Testing

@testable import Core

/// The zygote's warm-up job writes its throw-away files in a temporary folder; another user of
/// the machine must not be able to choose that folder for it.
@Suite("Zygote warm-up")
struct ZygoteWarmUpTests {
    @Test func warmUp_whenItsFolderNameIsTakenWithALink_writesNothingThroughIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let victim = directory.url.appendingPathComponent("victim")
        try "keep\n".write(to: victim, atomically: false, encoding: .utf8)

        // What someone who guessed the zygote's pid could leave in /tmp: the folder the warm-up
        // used to take as it found it, with its landmark file a link to someone else's file.
        let planted = FileManager.default.temporaryDirectory.appendingPathComponent("glare-zygote-\(getpid())")
        try FileManager.default.createDirectory(at: planted, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: planted) }
        #expect(symlink(victim.path, planted.appendingPathComponent("face.csv").path) == 0)

        WorkerZygote.warmUp()

        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep\n")
    }
}
