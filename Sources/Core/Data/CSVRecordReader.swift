import Foundation

/// Reads a comma-separated file record by record without holding the whole file in memory.
///
/// It follows RFC 4180: a field may be quoted with `"`, a quoted field may hold commas, line breaks
/// and doubled quotes; lines may end in LF or CRLF. AffectNet's training CSV is a few hundred
/// megabytes, so the file is read in chunks and each record is handed to the caller as it is
/// completed. Bytes that are not UTF-8 are replaced rather than refused, so one bad row does not
/// stop the file.
struct CSVRecordReader {
    /// The file.
    let url: URL
    /// Bytes read at a time.
    var chunkSize = 1 << 20

    /// Calls `body` with each record's fields and its 1-based line number (the line it starts on).
    /// An empty line is skipped. Throws the file's read error, or whatever `body` throws.
    func forEachRecord(_ body: ([String], Int) throws -> Void) throws {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw DatasetLoadError.unreadableFile(
                path: url.path, reason: FileErrorText.reason(for: error, path: url.path))
        }
        defer { try? handle.close() }

        var parser = Parser()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: chunkSize)
            } catch {
                throw DatasetLoadError.unreadableFile(
                    path: url.path, reason: FileErrorText.reason(for: error, path: url.path))
            }
            guard let chunk, !chunk.isEmpty else { break }
            for byte in chunk {
                if let record = parser.consume(byte) { try deliver(record, body) }
            }
        }
        if let record = parser.finish() { try deliver(record, body) }
    }

    /// The column index of each header name, trimmed of spaces and a byte-order mark; the first of
    /// two equal names wins.
    static func columnIndices(_ header: [String]) -> [String: Int] {
        var indices: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            let trimmed = FieldPadding.trimmed(name)
            if indices[trimmed] == nil { indices[trimmed] = index }
        }
        return indices
    }

    private func deliver(_ record: Parser.Record, _ body: ([String], Int) throws -> Void) throws {
        if record.fields.count == 1 && record.fields[0].isEmpty { return }
        try body(record.fields, record.line)
    }

    /// The byte-level state machine.
    private struct Parser {
        struct Record {
            var fields: [String]
            var line: Int
        }

        private var fields: [String] = []
        private var field: [UInt8] = []
        private var inQuotes = false
        private var quoteJustClosed = false
        private var line = 1
        private var recordLine = 1
        private var sawAnything = false

        mutating func consume(_ byte: UInt8) -> Record? {
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n")
            let carriageReturn = UInt8(ascii: "\r")
            sawAnything = true
            if byte == newline { line += 1 }

            if inQuotes {
                if byte == quote {
                    inQuotes = false
                    quoteJustClosed = true
                } else {
                    field.append(byte)
                }
                return nil
            }

            switch byte {
            case quote:
                // A doubled quote inside a quoted field re-opens it and keeps one quote.
                if quoteJustClosed { field.append(quote) }
                inQuotes = true
                quoteJustClosed = false
            case comma:
                endField()
            case newline:
                endField()
                return endRecord(nextLine: line)
            case carriageReturn:
                quoteJustClosed = false
            default:
                quoteJustClosed = false
                field.append(byte)
            }
            return nil
        }

        mutating func finish() -> Record? {
            guard sawAnything, !(fields.isEmpty && field.isEmpty && !quoteJustClosed) else { return nil }
            endField()
            return endRecord(nextLine: line)
        }

        private mutating func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quoteJustClosed = false
        }

        private mutating func endRecord(nextLine: Int) -> Record {
            let record = Record(fields: fields, line: recordLine)
            fields.removeAll(keepingCapacity: true)
            recordLine = nextLine
            return record
        }
    }
}
