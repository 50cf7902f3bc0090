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
    /// Writes `data` to `url`, making its folder when missing. A crash of the process leaves the
    /// old file or the new one; a power loss may leave neither (use `writeDurably` for results).
    static func write(_ data: Data, to url: URL) throws {
        try write([(data, url)], durable: false)
    }

    /// Writes each file like `write`, and so that the new files survive a power loss once this
    /// returns: each temporary file is flushed (`fdatasync`) before its rename, and each folder
    /// once after all the renames (`fsync`), which puts the new names on disk. One flush per file
    /// and one per folder is the least that is durable; results of one job share their folder.
    ///
    /// Folders this makes, and the folders above them, are not flushed: on a journalling file
    /// system (ext4, XFS) the flushes here commit those earlier directory changes with them.
    static func writeDurably(_ files: [(data: Data, url: URL)]) throws {
        try write(files, durable: true)
    }

    private static func write(_ files: [(data: Data, url: URL)], durable: Bool) throws {
        var temporaries: [URL] = []
        defer { for temporary in temporaries { try? FileManager.default.removeItem(at: temporary) } }
        var folders: [URL] = []
        for (data, url) in files {
            let folder = url.deletingLastPathComponent()
            if !folders.contains(folder) {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                folders.append(folder)
            }
            let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
            temporaries.append(temporary)
            try writeNewFile(data, to: temporary.path, flush: durable)
        }
        for (index, (_, url)) in files.enumerated() {
            try renameFile(from: temporaries[index], to: url)
        }
        temporaries = []
        if durable {
            for folder in folders { try flushFolder(folder.path) }
        }
    }

    /// Flushes a folder's entries to the disk.
    private static func flushFolder(_ path: String) throws(FileSystemCallError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemCallError(operation: "open", path: path, code: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileSystemCallError(operation: "fsync", path: path, code: errno) }
    }

    /// Creates the file at `path` (mode 0666 less the umask) and writes all of `data` to it; with
    /// `flush`, waits until the data is on the disk.
    private static func writeNewFile(_ data: Data, to path: String, flush: Bool) throws(FileSystemCallError) {
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

        if flush && fdatasync(descriptor) != 0 {
            let failure = errno
            close(descriptor)
            throw FileSystemCallError(operation: "fdatasync", path: path, code: failure)
        }
        guard close(descriptor) == 0 else { throw FileSystemCallError(operation: "close", path: path, code: errno) }
    }
}
