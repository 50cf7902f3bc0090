import Foundation
import Glibc

/// The daemon's files: the state directory, each job's directory, each user's landmark cache.
///
/// ```
/// <state>/            0711  the daemon's; others may pass through, not list
///   queue.sqlite      0600
///   jobs/             0711
///     <id>/           0700  owned by the job's owner
///   cache/            0711
///     <uid>/          0700  owned by that user; the worker keeps landmarks/ in it
/// ```
/// A root daemon creates a job's directory and log as root and hands them to the owner. Files in
/// a job directory are the owner's to change, so the daemon opens them with `O_NOFOLLOW` and checks
/// their owner before it reads one for a client (`openForReading`).
public struct DaemonFiles: Sendable {
    /// The state directory.
    public let stateDirectory: URL
    /// Whether the daemon is root and hands directories to their owners.
    public let runsAsRoot: Bool

    /// Creates the layout for `stateDirectory`.
    public init(stateDirectory: URL, runsAsRoot: Bool) {
        self.stateDirectory = stateDirectory
        self.runsAsRoot = runsAsRoot
    }

    /// `<state>/jobs`.
    public var jobsDirectory: URL { stateDirectory.appendingPathComponent("jobs", isDirectory: true) }

    /// The directory of job `id`.
    public func directory(of id: Int64) -> JobDirectory {
        JobDirectory(url: jobsDirectory.appendingPathComponent(String(id), isDirectory: true))
    }

    /// `<state>/cache`, one folder per user.
    public var cacheRoot: URL { stateDirectory.appendingPathComponent("cache", isDirectory: true) }

    /// The landmark cache the worker of `uid`'s jobs uses.
    public func cacheDirectory(of uid: UInt32) -> URL {
        cacheRoot.appendingPathComponent("\(uid)/landmarks", isDirectory: true)
    }

    /// Creates the state, jobs and cache directories when missing.
    public func prepareStateDirectory() throws(SystemCallError) {
        // Parents (`~/.local/state` for a user's daemon) may be missing; they get ordinary modes.
        let parent = stateDirectory.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw SystemCallError("create \(parent.path)", code: EACCES)
        }
        try makeDirectory(stateDirectory.path, mode: 0o711)
        try makeDirectory(jobsDirectory.path, mode: 0o711)
        try makeDirectory(cacheRoot.path, mode: 0o711)
    }

    /// Creates job `job`'s directory (0700, the owner's), writes `spec.json`, and creates the
    /// owner's cache directory; used before each launch (a resumed job keeps its directory).
    public func prepare(job: JobRecord, ownerGroup: UInt32) throws(SystemCallError) {
        let directory = directory(of: job.id)
        try makeDirectory(directory.url.path, mode: 0o700, owner: (job.owner, ownerGroup))
        let userCache = cacheDirectory(of: job.owner).deletingLastPathComponent()
        try makeDirectory(userCache.path, mode: 0o700, owner: (job.owner, ownerGroup))

        let specText: Data
        do {
            specText = try WireProtocol.makeEncoder().encode(job.spec)
        } catch {
            throw SystemCallError("encode the spec of job \(job.id)", code: EINVAL)
        }
        try writeFile(directory.spec.path, specText, owner: (job.owner, ownerGroup))
    }

    /// Deletes job `id`'s directory and everything in it.
    ///
    /// The directory is its owner's, who may change it while a root daemon deletes it, so it goes
    /// through `TreeRemover`, which never follows a link the owner swaps in.
    public func removeDirectory(of id: Int64) throws {
        try TreeRemover.remove(directory(of: id).url.path)
    }

    /// Opens a file in a job's directory for reading on a client's behalf.
    ///
    /// The last path component must not be a symbolic link and the file must belong to `owner`,
    /// so a link planted in a job directory cannot make a root daemon read another user's file.
    /// - Returns: the descriptor, or nil when the file does not exist.
    public func openForReading(_ path: String, owner: UInt32) throws(SystemCallError) -> Int32? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw SystemCallError("open \(path)")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let failure = SystemCallError("fstat \(path)")
            close(descriptor)
            throw failure
        }
        guard status.st_mode & S_IFMT == S_IFREG, status.st_uid == owner else {
            close(descriptor)
            throw SystemCallError("\(path) is not a regular file of the job's owner", code: EPERM)
        }
        return descriptor
    }

    private func makeDirectory(_ path: String, mode: mode_t, owner: (UInt32, UInt32)? = nil) throws(SystemCallError) {
        if mkdir(path, mode) != 0 {
            guard errno == EEXIST else { throw SystemCallError("mkdir \(path)") }
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                throw SystemCallError("\(path) exists and is not a directory", code: ENOTDIR)
            }
            // A directory made before (by hand, by an earlier daemon, for another job under a
            // reused id) gets the same checks as a new one: the right owner and exactly this mode,
            // else a 0755 state directory would let anyone list it and a leftover job directory
            // would belong to someone other than the job's owner.
            let expectedOwner = runsAsRoot ? (owner?.0 ?? geteuid()) : geteuid()
            guard status.st_uid == expectedOwner else {
                throw SystemCallError(
                    "\(path) belongs to uid \(status.st_uid), not uid \(expectedOwner); fix or remove it", code: EPERM)
            }
            if status.st_mode & 0o7777 != mode {
                guard chmod(path, mode) == 0 else { throw SystemCallError("chmod \(path)") }
            }
            return
        }
        // mkdir applies the umask; the mode is meant exactly.
        guard chmod(path, mode) == 0 else { throw SystemCallError("chmod \(path)") }
        if runsAsRoot, let owner {
            guard chown(path, owner.0, owner.1) == 0 else { throw SystemCallError("chown \(path)") }
        }
    }

    private func writeFile(_ path: String, _ contents: Data, owner: (UInt32, UInt32)) throws(SystemCallError) {
        // O_NOFOLLOW and the checks below: the directory is the owner's, and a planted link or
        // hard link must not make a root daemon overwrite another file.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SystemCallError("open \(path)") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SystemCallError("fstat \(path)") }
        guard status.st_mode & S_IFMT == S_IFREG, status.st_nlink == 1,
            status.st_uid == owner.0 || status.st_uid == geteuid()
        else {
            throw SystemCallError("\(path) is not a plain file of the job's owner", code: EPERM)
        }
        guard ftruncate(descriptor, 0) == 0 else { throw SystemCallError("truncate \(path)") }
        if runsAsRoot {
            guard fchown(descriptor, owner.0, owner.1) == 0 else { throw SystemCallError("chown \(path)") }
        }
        var failure: SystemCallError?
        contents.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let count = write(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = SystemCallError("write \(path)")
                    return
                }
                written += count
            }
        }
        if let failure { throw failure }
    }
}
