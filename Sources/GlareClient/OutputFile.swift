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
}
