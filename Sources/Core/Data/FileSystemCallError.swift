import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file-system call that failed, with the call's name, the path and `errno`.
public struct FileSystemCallError: Error, Equatable, CustomStringConvertible {
    /// The C function, e.g. `stat` or `rename`.
    public var operation: String
    /// The path it was given.
    public var path: String
    /// `errno` after the call.
    public var code: Int32

    /// Creates an error.
    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// Whether the file does not exist.
    public var isMissingFile: Bool { code == ENOENT || code == ENOTDIR }

    /// `operation path: message`.
    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(code)))"
    }
}

/// Renames `source` to `destination` atomically, replacing it (POSIX `rename`).
func renameFile(from source: URL, to destination: URL) throws(FileSystemCallError) {
    guard rename(source.path, destination.path) == 0 else {
        throw FileSystemCallError(operation: "rename", path: source.path, code: errno)
    }
}
