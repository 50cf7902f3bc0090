import Glibc

/// Lists a folder through a descriptor, not a path, for code that must not be led elsewhere by a
/// link swapped in along the way (`TreeRemover`, `LandmarkCachePruner`).
enum DirectoryEntries {
    /// The names in the folder open as `folder`, without `.` and `..`, each as the NUL-terminated
    /// bytes the folder holds (names need not be UTF-8); `path` only names it in errors.
    static func names(in folder: Int32, path: String) throws(SystemCallError) -> [[CChar]] {
        // A descriptor of its own, positioned at the start, which closedir closes.
        let listing = openat(folder, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard listing >= 0 else { throw SystemCallError("open \(path)") }
        guard let stream = fdopendir(listing) else {
            let failure = SystemCallError("list \(path)")
            close(listing)
            throw failure
        }
        defer { closedir(stream) }

        var names: [[CChar]] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw SystemCallError("list \(path)") }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.bindMemory(to: CChar.self).prefix { $0 != 0 }) + [0]
            }
            if name == [46, 0] || name == [46, 46, 0] { continue }
            names.append(name)
        }
    }

    /// `name` (NUL-terminated bytes) as text, with U+FFFD for bytes that are not UTF-8.
    static func text(of name: [CChar]) -> String {
        String(decoding: name.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
