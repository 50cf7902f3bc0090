import Foundation

/// An inference job's rows, written as `predictions.csv` and `predictions.json`.
///
/// CSV columns: `file, face, x, y, width, height`, one column per class named after the model's
/// class, then `top_class, top_probability, status, message`. A field a row does not have is
/// empty, never NaN. JSON: `{"classes": [...], "summary": {...}, "predictions": [{"file", "face",
/// "box": {x, y, width, height} | null, "probabilities": {class: p} | null, "top_class",
/// "top_probability", "status", "message"}]}`.
struct PredictionTable {
    /// The model's classes, in column order.
    var classNames: [String]
    /// The rows, in input order.
    var rows: [PredictionRow] = []

    /// Counts for the job's summary: `files`, `faces` (rows with status ok), `no_face`, `errors`.
    var summary: [String: Double] {
        [
            "files": Double(Set(rows.map(\.file)).count),
            "faces": Double(rows.count { $0.status == .ok }),
            "no_face": Double(rows.count { $0.status == .noFace }),
            "errors": Double(rows.count { $0.status == .error }),
        ]
    }

    /// The CSV text.
    func csv() -> String {
        let header =
            ["file", "face", "x", "y", "width", "height"] + classNames
            + ["top_class", "top_probability", "status", "message"]
        var lines = [header.map(Self.escape).joined(separator: ",")]
        for row in rows {
            var fields = [row.file, row.face.map(String.init) ?? ""]
            if let box = row.box {
                fields += [box.x, box.y, box.width, box.height].map(Self.number)
            } else {
                fields += ["", "", "", ""]
            }
            fields +=
                row.probabilities.isEmpty
                ? Array(repeating: "", count: classNames.count) : row.probabilities.map(Self.number)
            fields += [
                row.topClass ?? "", row.topProbability.map(Self.number) ?? "", row.status.rawValue,
                row.message ?? "",
            ]
            lines.append(fields.map(Self.escape).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON document.
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(
            classes: classNames, summary: summary,
            predictions: rows.map { JSONRow(row: $0, classNames: classNames) })
        return try encoder.encode(document)
    }

    /// Writes `predictions.csv` and `predictions.json` into `folder`.
    func write(to folder: URL) throws {
        try ResultFileWriter.write([
            (Data(csv().utf8), folder.appendingPathComponent("predictions.csv")),
            (try json(), folder.appendingPathComponent("predictions.json")),
        ])
    }

    private static func number(_ value: Float) -> String { value.isFinite ? "\(value)" : "" }

    private static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "" }

    /// Quotes a field holding a comma, a quote or a line break, doubling its quotes.
    private static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private struct Document: Encodable {
        var classes: [String]
        var summary: [String: Double]
        var predictions: [JSONRow]
    }

    /// A row with explicit nulls, so every object has the same keys.
    private struct JSONRow: Encodable {
        var row: PredictionRow
        var classNames: [String]

        enum CodingKeys: String, CodingKey {
            case file, face, box, probabilities, status, message
            case topClass = "top_class"
            case topProbability = "top_probability"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(row.file, forKey: .file)
            try container.encode(row.face, forKey: .face)
            try container.encode(row.box, forKey: .box)
            let probabilities =
                row.probabilities.isEmpty
                ? nil : Dictionary(zip(classNames, row.probabilities)) { first, _ in first }
            try container.encode(probabilities, forKey: .probabilities)
            try container.encode(row.topClass, forKey: .topClass)
            try container.encode(row.topProbability, forKey: .topProbability)
            try container.encode(row.status, forKey: .status)
            try container.encode(row.message, forKey: .message)
        }
    }
}
