import FoundationEssentials
import Glibc

/// A file glarectl writes a downloaded result into, owned by this value and closed when released.
///
/// Full Foundation's `FileHandle` is not in FoundationEssentials; this is the little of it glarectl
/// needs. Failures are `ClientError.system` naming the call and the path.
public final class OutputFile {
    /// The path the file was created at, for messages.
    public let path: String
    private var fileDescriptor: Int32

    /// Creates (or truncates) the file at `path`, readable by everyone the umask allows.
    public init(creatingAt path: String) throws(ClientError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw .system(operation: "open \(path)", errno: errno) }
        self.path = path
        self.fileDescriptor = descriptor
    }

    deinit {
        if fileDescriptor >= 0 { _ = Glibc.close(fileDescriptor) }
    }

    /// Appends `data` to the file.
    public func write(_ data: Data) throws(ClientError) {
        let failure = data.withUnsafeBytes { bytes in
            DescriptorWriter.writeAll(bytes) { Glibc.write(fileDescriptor, $0, $1) }
        }
        if let failure { throw .system(operation: "write \(path)", errno: failure) }
    }

    /// Closes the file, reporting a failure a network or quota-bound file system may only report here.
    public func close() throws(ClientError) {
        guard fileDescriptor >= 0 else { return }
        let result = Glibc.close(fileDescriptor)
        let failure = errno
        fileDescriptor = -1
        guard result == 0 else { throw .system(operation: "close \(path)", errno: failure) }
    }

    /// Creates the folder `path` and any missing parents (`mkdir -p`).
    public static func makeFolders(_ path: String) throws(ClientError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o777) == 0 { continue }
            let failure = errno
            var status = stat()
            if failure == EEXIST, stat(prefix, &status) == 0 {
                if status.st_mode & S_IFMT == S_IFDIR { continue }
                throw .system(operation: "create folder \(prefix)", errno: ENOTDIR)
            }
            throw .system(operation: "create folder \(prefix)", errno: failure)
        }
    }

    /// Renames the finished download `partial` to `destination`, replacing a file there in one
    /// step (rename(2)); a folder there is left alone and reported.
    public static func moveIntoPlace(_ partial: String, as destination: String) throws(ClientError) {
        guard rename(partial, destination) == 0 else {
            throw .system(operation: "rename \(partial) to \(destination)", errno: errno)
        }
    }
}
