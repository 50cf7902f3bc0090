import Foundation

/// Reads `affectnet:PATH`: AffectNet's annotation CSVs, with landmarks from the CSV or from the images.
///
/// The folder holds `training.csv` and `validation.csv` (directly, or in
/// `Manually_Annotated_file_lists/` as AffectNet ships them). Their columns are
/// `subDirectory_filePath, face_x, face_y, face_width, face_height, facial_landmarks, expression,
/// valence, arousal`. `facial_landmarks` holds 136 numbers separated by `;`, read as
/// x0;y0;x1;y1;... in the iBUG 68-point order, in image pixels; AffectNet gives no depth, so z = 0.
/// `expression` is 0-7 (neutral, happy, sad, surprise, fear, disgust, anger, contempt); 8, 9 and
/// 10 (none, uncertain, no face) are dropped as `excluded_label`.
///
/// The official validation set has no public test set beside it, so it becomes the test split;
/// a stratified, seeded share of the training rows becomes the validation split.
///
/// Options: `classes=8` (default) or `7` (contempt dropped); `landmarks=csv` (default) or `images`
/// (extracted from `images=FOLDER`, default `PATH/Manually_Annotated_Images` if it exists, else
/// `PATH`, through the landmark cache; the detected face overlapping the CSV's face box is used);
/// `validation=0.1`, `seed=1`.
enum AffectNetReader {
    /// The options this reader takes.
    static let knownOptions = ["classes", "landmarks", "images", "validation", "seed"]
    /// AffectNet's expression names by code.
    static let expressionNames = ["neutral", "happy", "sad", "surprise", "fear", "disgust", "anger", "contempt"]
    /// Codes AffectNet uses for images without a usable expression.
    static let excludedCodes = [8: "none", 9: "uncertain", 10: "no face"]

    static let pathColumn = "subDirectory_filePath"
    static let landmarkColumn = "facial_landmarks"
    static let expressionColumn = "expression"
    static let boxColumns = ["face_x", "face_y", "face_width", "face_height"]

    /// The spec's options and folder, checked.
    struct Settings {
        var root: URL
        var classCount: Int
        var fromImages: Bool
        var imageFolderOption: String?
        var validationFraction: Double
        var seed: UInt64

        init(_ spec: DatasetSpec) throws(DatasetLoadError) {
            let options = try DatasetOptions(spec, known: AffectNetReader.knownOptions)
            classCount = Int(try options.choice("classes", ["7", "8"], default: "8"))!
            fromImages = try options.choice("landmarks", ["csv", "images"], default: "csv") == "images"
            imageFolderOption = options["images"]
            validationFraction = try options.fraction("validation", default: 0.1)
            seed = UInt64(try options.integer("seed", default: 1))
            root = try DatasetPaths.existingFolder(spec.location)
            if let imageFolderOption { _ = try DatasetPaths.existingFolder(imageFolderOption) }
        }
    }

    /// Reads the dataset at `spec.location`.
    static func load(_ spec: DatasetSpec, context: DatasetLoadContext) throws -> LandmarkDataset {
        let settings = try Settings(spec)
        let (classCount, fromImages, root) = (settings.classCount, settings.fromImages, settings.root)
        let files = try annotationFiles(in: root)
        let classNames = Array(expressionNames.prefix(classCount))

        var rows: [Row] = []
        var dropped: [DroppedItem] = []
        for (file, split) in files {
            try read(file, split: split, classCount: classCount, needsLandmarks: !fromImages, into: &rows, &dropped)
        }

        let trainingRows = rows.indices.filter { rows[$0].split == .train }
        let carved = SplitAssignment.splits(
            labels: trainingRows.map { rows[$0].label }, validationFraction: settings.validationFraction,
            testFraction: 0, seed: settings.seed)
        for (position, index) in trainingRows.enumerated() { rows[index].split = carved[position] }

        if fromImages {
            let imageRoot = try imageFolder(settings.imageFolderOption, root: root)
            let samples = rows.map { row in
                ImageSample(
                    url: imageRoot.appendingPathComponent(row.imagePath), label: row.label, source: row.source,
                    split: row.split, referenceBox: row.box)
            }
            return try context.collect(samples, classNames: classNames, dropped: dropped)
        }
        return LandmarkDataset(
            classNames: classNames, landmarks: rows.flatMap { $0.landmarks }, labels: rows.map(\.label),
            sources: rows.map(\.source), splits: rows.isEmpty ? nil : rows.map(\.split), dropped: dropped)
    }

    /// One usable annotation row.
    private struct Row {
        var imagePath: String
        var source: String
        var label: Int
        var landmarks: [Float]
        var box: FaceBox?
        var split: DatasetSplit
    }

    /// `training.csv` (train) and `validation.csv` (test), whichever exist.
    private static func annotationFiles(in root: URL) throws(DatasetLoadError) -> [(URL, DatasetSplit)] {
        for folder in [root, root.appendingPathComponent("Manually_Annotated_file_lists")] {
            let found = [("training.csv", DatasetSplit.train), ("validation.csv", .test)].compactMap { name, split in
                let url = folder.appendingPathComponent(name)
                return FileManager.default.fileExists(atPath: url.path) ? (url, split) : nil
            }
            if !found.isEmpty { return found }
        }
        throw .nothingFound(path: root.path, expected: "training.csv or validation.csv")
    }

    private static func imageFolder(_ option: String?, root: URL) throws(DatasetLoadError) -> URL {
        if let option { return try DatasetPaths.existingFolder(option) }
        let shipped = root.appendingPathComponent("Manually_Annotated_Images", isDirectory: true)
        return DatasetPaths.isFolder(shipped) ? shipped : root
    }

    private static func read(
        _ file: URL, split: DatasetSplit, classCount: Int, needsLandmarks: Bool, into rows: inout [Row],
        _ dropped: inout [DroppedItem]
    ) throws {
        var columns: [String: Int]?
        var headerCount = 0
        try CSVRecordReader(url: file).forEachRecord { fields, line in
            guard let columns else {
                columns = try headerColumns(fields, file: file, needsLandmarks: needsLandmarks)
                headerCount = fields.count
                return
            }
            let source = "\(file.lastPathComponent):\(line)"
            guard fields.count == headerCount else {
                let reason = DroppedReason.wrongFieldCount.with("\(fields.count) fields, header has \(headerCount)")
                dropped.append(DroppedItem(source: source, reason: reason))
                return
            }
            switch parse(fields, columns: columns, classCount: classCount, needsLandmarks: needsLandmarks) {
            case .success(var row):
                row.source = "\(source) \(row.imagePath)"
                row.split = split
                rows.append(row)
            case .failure(let error):
                dropped.append(DroppedItem(source: source, reason: error.reason))
            }
        }
        if columns == nil { throw DatasetLoadError.emptyFile(file.path) }
    }

    private static func headerColumns(
        _ header: [String], file: URL, needsLandmarks: Bool
    ) throws(DatasetLoadError) -> [String: Int] {
        let columns = CSVRecordReader.columnIndices(header)
        var required = [pathColumn, expressionColumn]
        if needsLandmarks { required.append(landmarkColumn) }
        for column in required where columns[column] == nil { throw .missingColumn(file: file.path, column: column) }
        return columns
    }

    private static func parse(
        _ fields: [String], columns: [String: Int], classCount: Int, needsLandmarks: Bool
    ) -> Result<Row, NumericFieldError> {
        let imagePath = fields[columns[pathColumn]!].trimmingCharacters(in: .whitespaces)
        guard !imagePath.isEmpty else {
            return .failure(NumericFieldError(reason: DroppedReason.missingValue.with("\(pathColumn) is empty")))
        }

        let label: Int
        switch parseExpression(fields[columns[expressionColumn]!], classCount: classCount) {
        case .success(let value): label = value
        case .failure(let error): return .failure(error)
        }

        var landmarks: [Float] = []
        if needsLandmarks {
            switch parseLandmarks(fields[columns[landmarkColumn]!]) {
            case .success(let values): landmarks = values
            case .failure(let error): return .failure(error)
            }
        }

        // The box only guides the choice among detected faces, so a bad box is ignored, not fatal.
        let boxValues = boxColumns.compactMap { name in
            columns[name].flatMap { try? NumericField.parse(fields[$0], column: name).get() }
        }
        let box =
            boxValues.count == 4
            ? FaceBox(
                x: Double(boxValues[0]), y: Double(boxValues[1]), width: Double(boxValues[2]),
                height: Double(boxValues[3])) : nil
        return .success(
            Row(imagePath: imagePath, source: "", label: label, landmarks: landmarks, box: box, split: .train))
    }

    private static func parseExpression(_ text: String, classCount: Int) -> Result<Int, NumericFieldError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            return .failure(NumericFieldError(reason: DroppedReason.missingValue.with("expression is empty")))
        }
        guard let code = Int(trimmed) else {
            return .failure(
                NumericFieldError(
                    reason: DroppedReason.notANumber.with("expression is '\(NumericField.clip(trimmed))'")))
        }
        if let name = excludedCodes[code] {
            return .failure(NumericFieldError(reason: DroppedReason.excludedLabel.with("expression \(code) (\(name))")))
        }
        if code == 7 && classCount == 7 {
            return .failure(
                NumericFieldError(reason: DroppedReason.excludedLabel.with("expression 7 (contempt) with classes=7")))
        }
        guard (0..<classCount).contains(code) else {
            return .failure(NumericFieldError(reason: DroppedReason.unknownLabel.with("expression \(code)")))
        }
        return .success(code)
    }

    /// 136 numbers `x0;y0;x1;y1;...` to 204 values with z = 0.
    private static func parseLandmarks(_ text: String) -> Result<[Float], NumericFieldError> {
        var parts = text.split(separator: ";", omittingEmptySubsequences: false)
        if parts.last?.trimmingCharacters(in: .whitespaces).isEmpty == true && parts.count > 1 { parts.removeLast() }
        let expected = LandmarkDataset.landmarkCount * 2
        guard parts.count == expected else {
            let detail = "\(parts.count) numbers in \(landmarkColumn), expected \(expected)"
            return .failure(NumericFieldError(reason: DroppedReason.wrongLandmarkCount.with(detail)))
        }
        var landmarks = [Float](repeating: 0, count: LandmarkDataset.valuesPerSample)
        for (position, part) in parts.enumerated() {
            switch NumericField.parse(String(part), column: landmarkColumn) {
            case .success(let value): landmarks[(position / 2) * 3 + position % 2] = value
            case .failure(let error): return .failure(error)
            }
        }
        return .success(landmarks)
    }
}
