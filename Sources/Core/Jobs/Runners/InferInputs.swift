import Foundation

/// The files an inference job reads, from the paths the user gave.
///
/// A folder is walked at any depth for `.jpg`, `.jpeg` and `.png` images and `.csv` landmark files
/// (other files in a folder are passed over); a file named directly is read whatever its
/// extension (`.csv` as landmarks, anything else as an image), so a mislabelled file gets its own
/// error row. A path that does not exist, and a folder without such files, becomes an error row. Each file is read once, in the
/// order given, folders in name order.
struct InferInputs {
    /// A file to read.
    enum Item: Equatable {
        /// An image.
        case image(URL)
        /// A landmark CSV in OpenFace's format, without a label.
        case landmarkFile(URL)
        /// A path that cannot be read, with the reason.
        case missing(path: String, reason: String)

        /// The path the output names.
        var path: String {
            switch self {
            case .image(let url), .landmarkFile(let url): return url.path
            case .missing(let path, _): return path
            }
        }
    }

    /// The files, in order.
    var items: [Item] = []

    /// Expands `paths`.
    init(paths: [String]) {
        var seen = Set<String>()
        for path in paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            let entry: DatasetPaths.Entry
            do {
                entry = try DatasetPaths.entry(at: url)
            } catch {
                let reason = error.isMissingFile ? "no such file or folder" : FileErrorText.words(errno: error.code)
                items.append(.missing(path: url.path, reason: reason))
                continue
            }

            switch entry {
            case .folder:
                do {
                    let found = try Self.items(under: url)
                    if found.isEmpty {
                        items.append(
                            .missing(path: url.path, reason: "no .jpg, .jpeg, .png or .csv files in this folder"))
                    }
                    for item in found where seen.insert(item.path).inserted {
                        items.append(item)
                    }
                } catch {
                    items.append(.missing(path: url.path, reason: "\(error)"))
                }
            case .other:
                // A FIFO or a device would block the job in open(), deaf to cancel.
                items.append(.missing(path: url.path, reason: "not a regular file"))
            case .file:
                if seen.insert(url.path).inserted { items.append(Self.item(for: url)) }
            }
        }
    }

    private static func item(for url: URL) -> Item {
        url.pathExtension.lowercased() == "csv" ? .landmarkFile(url) : .image(url)
    }

    /// The images and landmark files under `folder` at any depth, by path; one that cannot be
    /// reached by its listed name becomes an error row, never a silent gap in the output.
    private static func items(under folder: URL) throws -> [Item] {
        var found: [Item] = []
        for entry in try DatasetPaths.sortedContents(of: folder) {
            let kind: DatasetPaths.Entry
            do {
                kind = try DatasetPaths.entry(at: entry)
            } catch {
                guard DatasetPaths.isImage(entry) || entry.pathExtension.lowercased() == "csv" else { continue }
                // Foundation lists a name that is not UTF-8 with U+FFFD in place of its bytes, a
                // name no call can open again.
                let reason =
                    entry.lastPathComponent.contains("\u{FFFD}")
                    ? "the file name is not valid UTF-8; rename the file" : "\(error)"
                found.append(.missing(path: entry.path, reason: reason))
                continue
            }
            switch kind {
            case .folder: found += try items(under: entry)
            case .file where DatasetPaths.isImage(entry) || entry.pathExtension.lowercased() == "csv":
                found.append(item(for: entry))
            case .file, .other: continue
            }
        }
        return found
    }
}
