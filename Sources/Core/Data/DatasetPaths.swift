import Foundation
import Glibc

/// Checks a spec's path before a reader uses it, with the loader's errors.
enum DatasetPaths {
    /// The file at `path`; refuses a missing path or a folder.
    static func existingFile(_ path: String) throws(DatasetLoadError) -> URL {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { throw .missingPath(path) }
        guard !isFolder.boolValue else { throw .wrongPathType(path: path, expected: "a file") }
        return url
    }

    /// The folder at `path`; refuses a missing path or a file.
    static func existingFolder(_ path: String) throws(DatasetLoadError) -> URL {
        let url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { throw .missingPath(path) }
        guard isFolder.boolValue else { throw .wrongPathType(path: path, expected: "a folder") }
        return url
    }

    /// Whether `url` names a JPEG or PNG by its extension.
    static func isImage(_ url: URL) -> Bool {
        ["jpg", "jpeg", "png"].contains(url.pathExtension.lowercased())
    }

    /// The entries of `folder`, sorted by name, without hidden ones.
    static func sortedContents(of folder: URL) throws(DatasetLoadError) -> [URL] {
        do {
            return try FileManager.default.contentsOfDirectory(
                at: folder, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles]
            ).sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw .unreadableFile(path: folder.path, reason: FileErrorText.reason(for: error, path: folder.path))
        }
    }

    /// Whether `url` is a folder.
    static func isFolder(_ url: URL) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// Whether `url` is a regular file, after following symbolic links (not a FIFO, socket or device,
    /// whose reading could block a job for ever).
    static func isRegularFile(_ url: URL) -> Bool {
        var status = stat()
        return stat(url.path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    /// The image files under `folder` at any depth, sorted by path.
    static func images(under folder: URL) throws(DatasetLoadError) -> [URL] {
        var found: [URL] = []
        for entry in try sortedContents(of: folder) {
            if isFolder(entry) {
                found.append(contentsOf: try images(under: entry))
            } else if isImage(entry), isRegularFile(entry) {
                found.append(entry)
            }
        }
        return found
    }
}
