import Foundation

/// The glarectl command lines of the trainings the tests submit, sized for two shared cores.
enum Trainings {
    /// Finishes in seconds.
    static let tiny = ["train", "--dataset", "builtin:synthetic?samples=400", "--epochs", "2"]

    /// Runs for minutes; the tests that use it cancel or kill it.
    static let long = ["train", "--dataset", "builtin:synthetic?samples=3000", "--epochs", "1000"]

    /// Long enough to be interrupted after its first epoch, short enough to finish after a resume.
    static let interruptible = ["train", "--dataset", "builtin:synthetic?samples=1500", "--epochs", "12"]

    /// A training whose dataset folder is gone by the time it runs: it fails.
    ///
    /// The folder exists when the job is submitted (so a daemon that checks paths at submit time
    /// accepts it) and is removed right after, before the job starts `after` another one.
    static func failing(in harness: DaemonHarness, after id: Int64? = nil) throws -> Int64 {
        let folder = harness.directory.appendingPathComponent("vanishing-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var arguments = ["train", "--dataset", "folder:\(folder.path)", "--epochs", "1"]
        if let id { arguments += ["--after", String(id)] }
        let failingId = try harness.submit(arguments)
        try FileManager.default.removeItem(at: folder)
        return failingId
    }
}
