import Foundation
import Glibc

/// Deletes landmark cache records no job has used for a while, in every user's cache under glared's
/// state directory (`<state>/cache/<uid>/landmarks/landmarks-v1/<hh>/<hash>.json`).
///
/// A record's modification time says when a job last used it: `LandmarkCache` writes it when it
/// extracts an image and moves it forward, at most once a day, when a job reads it. A deleted record
/// costs only a new extraction of its image, should a job ask for it again.
///
/// The folders below `<uid>` belong to that user, who could swap one for a symbolic link to make a
/// root daemon delete files elsewhere. So every folder is opened relative to its parent with
/// `O_NOFOLLOW | O_DIRECTORY`, and only regular files are unlinked, by name, within the opened
/// folder (`fstatat` and `unlinkat` without following links): a link at any level is skipped.
public struct LandmarkCachePruner: Sendable {
    /// What a sweep did.
    public struct Counts: Sendable, Equatable {
        /// Records (and leftover temporary files) deleted.
        public var removed = 0
        /// Records younger than the cut-off, kept.
        public var kept = 0
        /// Entries that could not be read or deleted, or were not what the layout expects.
        public var skipped = 0
    }

    /// `<state>/cache`, holding one folder per user id.
    public let cacheRoot: URL

    /// A pruner for the caches under `cacheRoot`.
    public init(cacheRoot: URL) { self.cacheRoot = cacheRoot }

    /// Deletes every record last used before `cutoff` (seconds since 1970).
    public func prune(usedBefore cutoff: Double) -> Counts {
        var counts = Counts()
        guard let root = Folder(path: cacheRoot.path) else { return counts }
        defer { root.close() }

        for user in root.entryNames() where UInt32(user) != nil {
            let path = [user, "landmarks", "landmarks-v1"]
            guard let records = root.descend(path) else { continue }
            defer { records.close() }
            for bucket in records.entryNames() {
                guard let folder = records.descend([bucket]) else {
                    counts.skipped += 1
                    continue
                }
                defer { folder.close() }
                prune(folder, usedBefore: cutoff, counts: &counts)
            }
        }
        return counts
    }

    private func prune(_ folder: Folder, usedBefore cutoff: Double, counts: inout Counts) {
        for name in folder.entryNames() {
            var status = stat()
            guard fstatat(folder.descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0,
                status.st_mode & S_IFMT == S_IFREG
            else {
                counts.skipped += 1
                continue
            }
            let modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
            guard modified < cutoff else {
                counts.kept += 1
                continue
            }
            if unlinkat(folder.descriptor, name, 0) == 0 {
                counts.removed += 1
            } else {
                counts.skipped += 1
            }
        }
    }
}

/// An open folder, read and descended through its descriptor only.
private struct Folder {
    let descriptor: Int32

    /// Opens the trusted folder at `path`.
    init?(path: String) {
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
    }

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// The folder reached through `names` one level at a time, none of them a symbolic link.
    func descend(_ names: [String]) -> Folder? {
        var current = descriptor
        for name in names {
            let next = openat(current, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if current != descriptor { Glibc.close(current) }
            guard next >= 0 else { return nil }
            current = next
        }
        return Folder(descriptor: current)
    }

    /// The names in the folder, without `.` and `..`.
    func entryNames() -> [String] {
        // fdopendir takes the descriptor over; give it a copy so this one stays ours.
        let copy = dup(descriptor)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { Glibc.close(copy) }
            return []
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    func close() { Glibc.close(descriptor) }
}
