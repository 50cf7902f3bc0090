import Foundation

/// Reads the 68 landmarks of each row of a CSV with OpenFace's column names.
///
/// OpenFace writes a header such as `frame, timestamp, confidence, success, ..., x_0, ..., x_67,
/// y_0, ..., y_67, X_0, ..., X_67, Y_0, ..., Z_67, ...` (names after the first carry a leading
/// space, which is ignored here). When all of the 3D columns `X_i, Y_i, Z_i` are present they are
/// used (camera space, millimetres); otherwise the 2D image columns `x_i, y_i` with z = 0. A
/// `success` column of 0 marks a frame where OpenFace lost the face; such a row is dropped as
/// `no_face`. The label column, when asked for, must exist.
struct OpenFaceLandmarkTable {
    /// One data row.
    enum Row {
        /// 204 landmark values and the row's label text (nil when no label column was asked for).
        case face(line: Int, landmarks: [Float], label: String?)
        /// A row that cannot be used, with its `DroppedReason`-coded reason.
        case bad(line: Int, reason: String)
    }

    /// The file.
    let url: URL
    /// The label column to read, or nil for unlabelled files (inference).
    let labelColumn: String?

    /// Calls `body` with every data row. Throws for a missing column, an empty file or a read error.
    func forEachRow(_ body: (Row) throws -> Void) throws {
        var layout: Layout?
        try CSVRecordReader(url: url).forEachRecord { fields, line in
            guard let layout else {
                layout = try Layout(header: fields, file: url.path, labelColumn: labelColumn)
                return
            }
            try body(layout.row(fields, line: line))
        }
        if layout == nil { throw DatasetLoadError.emptyFile(url.path) }
    }

    /// Where the wanted columns are.
    private struct Layout {
        var headerCount: Int
        /// Column index of x, y, z for each landmark; z is nil for 2D files.
        var coordinateColumns: [(x: Int, y: Int, z: Int?)]
        var coordinateNames: [(x: String, y: String, z: String?)]
        var labelIndex: Int?
        var successIndex: Int?

        init(header: [String], file: String, labelColumn: String?) throws(DatasetLoadError) {
            let indexOf = CSVRecordReader.columnIndices(header)
            headerCount = header.count

            let points = 0..<LandmarkDataset.landmarkCount
            let has3D = points.allSatisfy {
                indexOf["X_\($0)"] != nil && indexOf["Y_\($0)"] != nil && indexOf["Z_\($0)"] != nil
            }
            coordinateColumns = []
            coordinateNames = []
            for point in points {
                let names =
                    has3D
                    ? (x: "X_\(point)", y: "Y_\(point)", z: "Z_\(point)") : (x: "x_\(point)", y: "y_\(point)", z: nil)
                guard let x = indexOf[names.x] else { throw .missingColumn(file: file, column: names.x) }
                guard let y = indexOf[names.y] else { throw .missingColumn(file: file, column: names.y) }
                coordinateColumns.append((x, y, names.z.flatMap { indexOf[$0] }))
                coordinateNames.append(names)
            }

            if let labelColumn {
                guard let index = indexOf[labelColumn] else { throw .missingColumn(file: file, column: labelColumn) }
                labelIndex = index
            }
            successIndex = indexOf["success"]
        }

        func row(_ fields: [String], line: Int) -> Row {
            guard fields.count == headerCount else {
                let detail = "\(fields.count) fields, header has \(headerCount)"
                return .bad(line: line, reason: DroppedReason.wrongFieldCount.with(detail))
            }
            if let successIndex, Float(FieldPadding.trimmed(fields[successIndex])) == 0 {
                return .bad(line: line, reason: DroppedReason.noFace.with("success is 0"))
            }

            var landmarks = [Float](repeating: 0, count: LandmarkDataset.valuesPerSample)
            for (point, columns) in coordinateColumns.enumerated() {
                let names = coordinateNames[point]
                var axes = [(columns.x, names.x), (columns.y, names.y)]
                if let z = columns.z, let name = names.z { axes.append((z, name)) }
                for (axis, (column, name)) in axes.enumerated() {
                    switch NumericField.parse(fields[column], column: name) {
                    case .success(let value): landmarks[point * 3 + axis] = value
                    case .failure(let error): return .bad(line: line, reason: error.reason)
                    }
                }
            }

            var label: String?
            if let labelIndex {
                let text = FieldPadding.trimmed(fields[labelIndex])
                guard !text.isEmpty else {
                    return .bad(line: line, reason: DroppedReason.missingValue.with("label is empty"))
                }
                label = text
            }
            return .face(line: line, landmarks: landmarks, label: label)
        }
    }
}
