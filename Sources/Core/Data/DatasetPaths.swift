import Foundation
import Glibc

/// Checks a spec's path before a reader uses it, with the loader's errors.
enum DatasetPaths {
    /// What is at a path, after following symbolic links.
    enum Entry: Equatable {
        case file
        case folder
        /// Something else: a FIFO, a socket, a device.
        case other
    }

    /// What is at `url`, or the failed `stat` (its `isMissingFile` says whether nothing is there;
    /// otherwise a folder on the way is not the job owner's to search, and the message says so).
    static func entry(at url: URL) throws(FileSystemCallError) -> Entry {
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            throw FileSystemCallError(operation: "stat", path: url.path, code: errno)
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        default: return .other
        }
    }

    /// The file at `path`; refuses a missing path, one the owner may not reach, or a folder.
    static func existingFile(_ path: String) throws(DatasetLoadError) -> URL {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard try checkedEntry(at: url, named: path) != .folder else {
            throw .wrongPathType(path: path, expected: "a file")
        }
        return url
    }

    /// The folder at `path`; refuses a missing path, one the owner may not reach, or a file.
    static func existingFolder(_ path: String) throws(DatasetLoadError) -> URL {
        let url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        guard try checkedEntry(at: url, named: path) == .folder else {
            throw .wrongPathType(path: path, expected: "a folder")
        }
        return url
    }

    private static func checkedEntry(at url: URL, named path: String) throws(DatasetLoadError) -> Entry {
        do {
            return try entry(at: url)
        } catch {
            if error.isMissingFile { throw .missingPath(path) }
            throw .unreadableFile(path: path, reason: FileErrorText.words(errno: error.code))
        }
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
        (try? entry(at: url)) == .folder
    }

    /// Whether `url` is a regular file, after following symbolic links (not a FIFO, socket or device,
    /// whose reading could block a job for ever).
    static func isRegularFile(_ url: URL) -> Bool {
        (try? entry(at: url)) == .file
    }

    /// The image files under `folder` at any depth, sorted by path (FIFOs, sockets and devices left out).
    static func images(under folder: URL) throws(DatasetLoadError) -> [URL] {
        var found: [URL] = []
        for entry in try sortedContents(of: folder) {
            switch try? self.entry(at: entry) {
            case .folder: found.append(contentsOf: try images(under: entry))
            case .other: continue
            // A listed name stat cannot reach (not UTF-8, gone since the listing) stays in, so the
            // reader drops it as `missing_file` with the reason instead of losing it unseen.
            case .file, nil: if isImage(entry) { found.append(entry) }
            }
        }
        return found
    }
}
