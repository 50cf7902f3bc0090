import Foundation
import Glibc

/// Reads a worker's `outcome.json`.
enum WorkerOutcomeFile {
    /// The outcome at `path`, or nil when it is missing, unreadable, not the owner's, or not an outcome.
    static func read(_ path: String, owner: UInt32) -> WorkerOutcome? {
        let files = DaemonFiles(stateDirectory: URL(fileURLWithPath: "/"), runsAsRoot: geteuid() == 0)
        guard let descriptor = try? files.openForReading(path, owner: owner) else { return nil }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        guard let data = try? handle.read(upToCount: 1 << 20) else { return nil }
        return try? WireProtocol.makeDecoder().decode(WorkerOutcome.self, from: data)
    }
}
