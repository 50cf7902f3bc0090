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
        let root = open(cacheRoot.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard root >= 0 else { return counts }
        defer { close(root) }

        for user in (try? DirectoryEntries.names(in: root, path: cacheRoot.path)) ?? []
        where UInt32(DirectoryEntries.text(of: user)) != nil {
            let path = [user, Self.name("landmarks"), Self.name("landmarks-v1")]
            guard let records = Self.descend(from: root, through: path) else { continue }
            defer { close(records) }
            for bucket in (try? DirectoryEntries.names(in: records, path: "records")) ?? [] {
                guard let folder = Self.descend(from: records, through: [bucket]) else {
                    counts.skipped += 1
                    continue
                }
                defer { close(folder) }
                prune(folder, usedBefore: cutoff, counts: &counts)
            }
        }
        return counts
    }

    private func prune(_ folder: Int32, usedBefore cutoff: Double, counts: inout Counts) {
        for name in (try? DirectoryEntries.names(in: folder, path: "bucket")) ?? [] {
            var status = stat()
            guard fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0, status.st_mode & S_IFMT == S_IFREG else {
                counts.skipped += 1
                continue
            }
            let modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
            guard modified < cutoff else {
                counts.kept += 1
                continue
            }
            if unlinkat(folder, name, 0) == 0 {
                counts.removed += 1
            } else {
                counts.skipped += 1
            }
        }
    }

    /// The folder reached from `start` through `names` one level at a time, none of them a
    /// symbolic link; the caller closes it.
    private static func descend(from start: Int32, through names: [[CChar]]) -> Int32? {
        var current = start
        for name in names {
            let next = openat(current, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if current != start { close(current) }
            guard next >= 0 else { return nil }
            current = next
        }
        return current
    }

    private static func name(_ text: String) -> [CChar] { Array(text.utf8CString) }
}
