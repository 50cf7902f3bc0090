/// Left-aligned columns separated by two spaces, for `list` and `models`.
public struct TextTable: Sendable, Equatable {
    /// The header row.
    public var header: [String]
    /// The body rows; each has as many cells as the header.
    public var rows: [[String]]

    /// Creates a table.
    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The table as lines, each ending in a newline; trailing spaces are trimmed. Control
    /// characters in a cell are shown as escapes (`PrintableText`), so a cell stays on its line.
    public func render() -> String {
        let allRows = ([header] + rows).map { $0.map(PrintableText.escaped) }
        var widths = [Int](repeating: 0, count: header.count)
        for row in allRows {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.count)
            }
        }

        var text = ""
        for row in allRows {
            var line = ""
            for (column, cell) in row.enumerated() {
                let isLast = column == row.count - 1
                line += isLast ? cell : TextTable.padded(cell, toWidth: widths[column] + 2)
            }
            while line.last == " " { line.removeLast() }
            text += line + "\n"
        }
        return text
    }

    /// `text` followed by spaces up to `width` characters; longer text is left as it is.
    public static func padded(_ text: String, toWidth width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
