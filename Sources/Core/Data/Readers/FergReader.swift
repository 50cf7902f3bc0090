import Foundation

/// Reads `ferg:PATH`: FERG-DB's tree `<character>/<character>_<expression>/<character>_<expression>_<n>.png`.
///
/// The seven expressions are anger, disgust, fear, joy, neutral, sadness and surprise (the class
/// order). Landmarks come from the images through the landmark cache. FERG-DB ships no split, so
/// the usable samples are split here, stratified by expression and seeded, and the split is kept in the
/// dataset's `splits` for the run to record. An expression folder with another name has its files
/// dropped as `unknown_label`; files other than PNG and JPEG are ignored.
///
/// Options: `validation=0.1`, `test=0.1`, `seed=1`.
enum FergReader {
    /// The options this reader takes.
    static let knownOptions = ["validation", "test", "seed"]
    /// FERG-DB's expressions, in class order.
    static let expressionNames = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]

    /// The spec's options and folder, checked.
    struct Settings {
        var root: URL
        var validationFraction: Double
        var testFraction: Double
        var seed: UInt64

        init(_ spec: DatasetSpec) throws(DatasetLoadError) {
            let options = try DatasetOptions(spec, known: FergReader.knownOptions)
            validationFraction = try options.fraction("validation", default: 0.1)
            testFraction = try options.fraction("test", default: 0.1)
            guard validationFraction + testFraction < 1 else {
                throw .badOptionValue(
                    option: "validation", value: "\(validationFraction)", expected: "validation + test below 1")
            }
            seed = UInt64(try options.integer("seed", default: 1))
            root = try DatasetPaths.existingFolder(spec.location)
        }
    }

    /// Reads the dataset at `spec.location`.
    static func load(_ spec: DatasetSpec, context: DatasetLoadContext) throws -> LandmarkDataset {
        let settings = try Settings(spec)
        let root = settings.root

        var files: [(url: URL, label: Int)] = []
        var dropped: [DroppedItem] = []
        for character in try DatasetPaths.sortedContents(of: root) where DatasetPaths.isFolder(character) {
            let prefix = character.lastPathComponent + "_"
            for expressionFolder in try DatasetPaths.sortedContents(of: character)
            where DatasetPaths.isFolder(expressionFolder) {
                let folderName = expressionFolder.lastPathComponent
                let expression = folderName.hasPrefix(prefix) ? String(folderName.dropFirst(prefix.count)) : folderName
                let images = try DatasetPaths.images(under: expressionFolder)
                guard let label = expressionNames.firstIndex(of: expression.lowercased()) else {
                    let reason = DroppedReason.unknownLabel.with("expression folder '\(folderName)'")
                    dropped += images.map { DroppedItem(source: $0.path, reason: reason) }
                    continue
                }
                files += images.map { ($0, label) }
            }
        }
        guard !files.isEmpty || !dropped.isEmpty else {
            throw DatasetLoadError.nothingFound(
                path: root.path, expected: "FERG-DB images (<character>/<character>_<expression>/*.png)")
        }

        let samples = files.map { ImageSample(url: $0.url, label: $0.label, source: $0.url.path) }
        var dataset = try context.collect(samples, classNames: expressionNames, dropped: dropped)

        // Split the usable samples, not the files, so every split keeps each class's share exactly.
        dataset.splits = SplitAssignment.splits(
            labels: dataset.labels, validationFraction: settings.validationFraction,
            testFraction: settings.testFraction,
            seed: settings.seed)
        return dataset
    }
}
