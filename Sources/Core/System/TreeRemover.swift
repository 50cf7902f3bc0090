import Glibc

/// Deletes a directory tree that someone else may be changing while it goes: a job's directory,
/// which belongs to the job's owner, deleted by a root daemon.
///
/// Every step works relative to an open descriptor of the folder it is in (`openat`, `unlinkat`
/// with `O_NOFOLLOW`), never by path, so the owner cannot swap a folder for a symbolic link
/// between the listing and the deletion and have root delete a file the link leads to (which
/// `FileManager.removeItem`, deleting by full path, allows). A link is deleted itself; an entry
/// that turns into something else mid-way is looked at again. Names are kept as the bytes the
/// directory holds, so names that are not UTF-8 go too.
enum TreeRemover {
    /// Folders nested deeper than this are refused (each level holds a descriptor and a frame).
    static let maximumDepth = 256

    /// How often one folder is listed again, or one entry looked at again, when it changes under us.
    private static let attempts = 4

    /// Deletes `path` and everything under it; a path that does not exist is not an error.
    ///
    /// - Parameter beforeEntry: called with each entry's name just before it is deleted (tests
    ///   use it to change the tree at that moment).
    static func remove(_ path: String, beforeEntry: (String) -> Void = { _ in }) throws(SystemCallError) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard trimmed.hasPrefix("/"), let slash = trimmed.lastIndex(of: "/") else {
            throw SystemCallError("remove \(path): not an absolute path", code: EINVAL)
        }
        let name = String(trimmed[trimmed.index(after: slash)...])
        let parentPath = slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
        guard !name.isEmpty, name != ".", name != ".." else {
            throw SystemCallError("remove \(path): not a removable name", code: EINVAL)
        }

        let parent = open(parentPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parent >= 0 else {
            if errno == ENOENT { return }
            throw SystemCallError("open \(parentPath)")
        }
        defer { close(parent) }
        try removeEntry(Array(name.utf8CString), in: parent, path: path, depth: 0, beforeEntry: beforeEntry)
    }

    /// Deletes the entry `name` (NUL-terminated bytes) of the folder open as `folder`.
    private static func removeEntry(
        _ name: [CChar], in folder: Int32, path: String, depth: Int, beforeEntry: (String) -> Void
    ) throws(SystemCallError) {
        for _ in 0..<attempts {
            // A file, a link, a FIFO...: unlinked as it is. Linux answers EISDIR for a folder.
            if unlinkat(folder, name, 0) == 0 { return }
            switch errno {
            case ENOENT: return
            case EISDIR: break
            default: throw SystemCallError("unlink \(path)")
            }

            guard depth < maximumDepth else {
                throw SystemCallError(
                    "remove \(path): folders nested more than \(maximumDepth) deep", code: ENAMETOOLONG)
            }
            let child = openat(folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if child < 0 {
                // Gone, or no longer a folder (a link now): look at it again.
                if [ENOENT, ENOTDIR, ELOOP].contains(errno) { continue }
                throw SystemCallError("open \(path)")
            }
            defer { close(child) }
            try removeContents(of: child, path: path, depth: depth + 1, beforeEntry: beforeEntry)

            if unlinkat(folder, name, AT_REMOVEDIR) == 0 { return }
            switch errno {
            case ENOENT: return
            // Swapped for a link or a file, or filled again: look at it again.
            case ENOTDIR, ENOTEMPTY, EEXIST: continue
            default: throw SystemCallError("rmdir \(path)")
            }
        }
        throw SystemCallError("remove \(path): it kept changing while it was removed", code: EBUSY)
    }

    /// Deletes every entry of the folder open as `folder`, listing it again while new ones appear.
    private static func removeContents(
        of folder: Int32, path: String, depth: Int, beforeEntry: (String) -> Void
    ) throws(SystemCallError) {
        for _ in 0..<attempts {
            let names = try DirectoryEntries.names(in: folder, path: path)
            if names.isEmpty { return }
            for name in names {
                let text = DirectoryEntries.text(of: name)
                beforeEntry(text)
                try removeEntry(name, in: folder, path: path + "/" + text, depth: depth, beforeEntry: beforeEntry)
            }
        }
    }
}
