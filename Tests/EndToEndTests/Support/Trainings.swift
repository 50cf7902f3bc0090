import Foundation

/// The glarectl command lines of the trainings the tests submit, sized for two shared cores.
enum Trainings {
    /// A narrow network (16 features a level): the tests check the daemon, not the model's accuracy,
    /// and the debug build they run on trains the default widths several times slower.
    static let smallModel = [
        "--option", "widths0=16", "--option", "widths1=16", "--option", "widths2=16", "--option", "head=16",
    ]

    /// Finishes in a few seconds.
    static let tiny = ["train", "--dataset", "builtin:synthetic?samples=300", "--epochs", "2"] + smallModel

    /// Runs for an hour or more; the tests that use it cancel or kill it.
    static let long = ["train", "--dataset", "builtin:synthetic?samples=3000", "--epochs", "1000"] + smallModel

    /// About two seconds an epoch in a debug build: long enough to be interrupted after its first
    /// epoch, short enough to finish soon after a resume.
    static let interruptible = ["train", "--dataset", "builtin:synthetic?samples=1000", "--epochs", "6"] + smallModel

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
