import Foundation

/// Writes whole files so that a reader sees the old file or the new one, never half of either.
///
/// The data goes to a uniquely named temporary file beside the target, which is then renamed over
/// it (POSIX `rename` replaces atomically within one file system). A failed write removes its
/// temporary file.
enum AtomicFile {
    /// Writes `data` to `url`, making its folder when missing.
    static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary)
            try renameFile(from: temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
