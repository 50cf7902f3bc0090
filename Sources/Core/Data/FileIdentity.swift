import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One version of one file, as the file system sees it: the landmark cache's key.
///
/// Two reads with the same identity see the same bytes unless someone rewrote the file within
/// the same nanosecond and kept its size, which the cache accepts.
public struct FileIdentity: Codable, Sendable, Equatable {
    /// The absolute, standardised path.
    public var path: String
    /// The device the file lives on (`st_dev`).
    public var device: UInt64
    /// The inode number (`st_ino`).
    public var inode: UInt64
    /// The size in bytes.
    public var size: Int64
    /// The last modification time in nanoseconds since the Unix epoch.
    public var modificationNanoseconds: Int64

    /// Creates an identity from its parts.
    public init(path: String, device: UInt64, inode: UInt64, size: Int64, modificationNanoseconds: Int64) {
        self.path = path
        self.device = device
        self.inode = inode
        self.size = size
        self.modificationNanoseconds = modificationNanoseconds
    }

    /// The identity of the file at `url` now, following symbolic links.
    public static func of(_ url: URL) throws(FileSystemCallError) -> FileIdentity {
        let path = url.standardizedFileURL.path
        var status = stat()
        guard stat(path, &status) == 0 else { throw FileSystemCallError(operation: "stat", path: path, code: errno) }
        return FileIdentity(
            path: path, device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
            modificationNanoseconds: Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec))
    }
}
