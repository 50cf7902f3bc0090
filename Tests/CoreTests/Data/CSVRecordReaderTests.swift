import Foundation
import Testing

@testable import Core

@Suite struct CSVRecordReaderTests {
    private func records(of text: String, chunkSize: Int = 1 << 20) throws -> [([String], Int)] {
        let folder = try ScratchFolder("csv")
        defer { folder.remove() }
        let file = try folder.write(text, to: "table.csv")
        var found: [([String], Int)] = []
        var reader = CSVRecordReader(url: file)
        reader.chunkSize = chunkSize
        try reader.forEachRecord { fields, line in found.append((fields, line)) }
        return found
    }

    @Test func forEachRecord_whenFieldsAreQuoted_keepsCommasQuotesAndLineBreaks() throws {
        let text = "a,b,c\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,end\n"
        for chunkSize in [1, 3, 1 << 20] {
            let found = try records(of: text, chunkSize: chunkSize)
            #expect(found.map(\.0) == [["a", "b", "c"], ["x,1", "say \"hi\"", "two\nlines"], ["plain", "", "end"]])
            #expect(found.map(\.1) == [1, 2, 4], "chunk size \(chunkSize)")
        }
    }

    @Test func forEachRecord_whenLinesEndInCRLFAndBlankLinesAndNoFinalNewline_readsEveryRecord() throws {
        let found = try records(of: "h1,h2\r\n1,2\r\n\r\n3,4")
        #expect(found.map(\.0) == [["h1", "h2"], ["1", "2"], ["3", "4"]])
        #expect(found.map(\.1) == [1, 2, 4])
    }

    @Test func columnIndices_trimsSpacesAndByteOrderMark() {
        let indices = CSVRecordReader.columnIndices(["\u{FEFF}frame", " x_0", " x_0 "])
        #expect(indices == ["frame": 0, "x_0": 1])
    }

    @Test func forEachRecord_whenFileIsMissing_throwsUnreadableFile() {
        let reader = CSVRecordReader(url: URL(fileURLWithPath: "/nonexistent/glare/table.csv"))
        #expect(throws: DatasetLoadError.self) { try reader.forEachRecord { _, _ in } }
    }
}
