import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes whole files so that a reader sees the old file or the new one, never half of either.
///
/// The data goes to a uniquely named temporary file beside the target, which is then renamed over
/// it (POSIX `rename` replaces atomically within one file system). A failed write removes its
/// temporary file. The temporary file is written with POSIX calls rather than `Data.write`, whose
/// errors on Linux lose `errno` ("There isn't enough space" instead of "No space left on device").
enum AtomicFile {
    /// Writes `data` to `url`, making its folder when missing.
    static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try writeNewFile(data, to: temporary.path)
            try renameFile(from: temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Creates the file at `path` (mode 0666 less the umask) and writes all of `data` to it.
    private static func writeNewFile(_ data: Data, to path: String) throws(FileSystemCallError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw FileSystemCallError(operation: "open", path: path, code: errno) }

        let failure = data.withUnsafeBytes { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure {
            close(descriptor)
            throw FileSystemCallError(operation: "write", path: path, code: failure)
        }

        guard close(descriptor) == 0 else { throw FileSystemCallError(operation: "close", path: path, code: errno) }
    }
}
