import Foundation

/// Reads `landmarks:PATH`: a CSV with OpenFace's landmark columns and a label column.
///
/// Options: `label=COLUMN` (default `label`), `classes=a,b,c` to fix the class names and their
/// order (rows with another label are dropped as `unknown_label`); without it the classes are the
/// distinct labels in the file, sorted. The landmarks are used as the file gives them.
enum LandmarkCSVReader {
    /// The options this reader takes.
    static let knownOptions = ["label", "classes"]

    /// The spec's options and file, checked.
    struct Settings {
        var url: URL
        var labelColumn: String
        var fixedClasses: [String]?

        init(_ spec: DatasetSpec) throws(DatasetLoadError) {
            let options = try DatasetOptions(spec, known: LandmarkCSVReader.knownOptions)
            labelColumn = options["label"] ?? "label"
            fixedClasses = try options.list("classes")
            url = try DatasetPaths.existingFile(spec.location)
        }
    }

    /// Reads the file `spec.location`.
    static func load(_ spec: DatasetSpec) throws -> LandmarkDataset {
        let settings = try Settings(spec)
        let (url, labelColumn, fixedClasses) = (settings.url, settings.labelColumn, settings.fixedClasses)

        var landmarks: [Float] = []
        var labelTexts: [String] = []
        var sources: [String] = []
        var dropped: [DroppedItem] = []
        let table = OpenFaceLandmarkTable(url: url, labelColumn: labelColumn)
        try table.forEachRow { row in
            switch row {
            case .bad(let line, let reason):
                dropped.append(DroppedItem(source: "\(url.path):\(line)", reason: reason))
            case .face(let line, let values, let label):
                let label = label ?? ""
                if let fixedClasses, !fixedClasses.contains(label) {
                    let reason = DroppedReason.unknownLabel.with("'\(NumericField.clip(label))'")
                    dropped.append(DroppedItem(source: "\(url.path):\(line)", reason: reason))
                    return
                }
                landmarks.append(contentsOf: values)
                labelTexts.append(label)
                sources.append("\(url.path):\(line)")
            }
        }

        let classNames = fixedClasses ?? Set(labelTexts).sorted()
        let indexOf = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        return LandmarkDataset(
            classNames: classNames, landmarks: landmarks, labels: labelTexts.map { indexOf[$0]! }, sources: sources,
            dropped: dropped)
    }
}
