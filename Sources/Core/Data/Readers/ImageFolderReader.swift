import Foundation

/// Reads `folder:PATH`: one subfolder per class, images at any depth below it.
///
/// The class names are the subfolders' names, sorted; files directly in `PATH` and files other
/// than PNG and JPEG are ignored. Landmarks come from the images through the landmark cache. No
/// split is assigned; the trainer makes its own.
enum ImageFolderReader {
    /// The options this reader takes.
    static let knownOptions: [String] = []

    /// The spec's folder, checked (the reader takes no options).
    struct Settings {
        var root: URL

        init(_ spec: DatasetSpec) throws(DatasetLoadError) {
            _ = try DatasetOptions(spec, known: ImageFolderReader.knownOptions)
            root = try DatasetPaths.existingFolder(spec.location)
        }
    }

    /// Reads the dataset at `spec.location`.
    static func load(_ spec: DatasetSpec, context: DatasetLoadContext) throws -> LandmarkDataset {
        let root = try Settings(spec).root
        let classFolders = try DatasetPaths.sortedContents(of: root).filter(DatasetPaths.isFolder)
        guard !classFolders.isEmpty else {
            throw DatasetLoadError.nothingFound(path: root.path, expected: "class subfolders")
        }

        var samples: [ImageSample] = []
        for (label, folder) in classFolders.enumerated() {
            for image in try DatasetPaths.images(under: folder) {
                samples.append(ImageSample(url: image, label: label, source: image.path))
            }
        }
        return try context.collect(samples, classNames: classFolders.map(\.lastPathComponent), dropped: [])
    }
}
