import Foundation
import Testing

@testable import Core

/// Reading `events.jsonl` a piece at a time, as the worker appends to it.
@Suite("Progress reader")
struct ProgressReaderTests {
    @Test func readNew_returnsTheNewestCompleteEventAndWaitsForPartialLines() throws {
        let path = "/tmp/glare-events-\(UUID().uuidString.prefix(8)).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reader = ProgressReader(path: path)
        let missing = reader.readNew()
        #expect(missing == nil)

        let handle = try FileHandle(
            forWritingTo: {
                FileManager.default.createFile(atPath: path, contents: nil)
                return URL(fileURLWithPath: path)
            }())
        defer { try? handle.close() }
        handle.write(Data(#"{"phase":"epoch","time":1,"done":1,"metrics":{}}"#.utf8 + [10]))
        handle.write(Data(#"{"phase":"epoch","time":2,"done":2,"metrics":{"loss":"nan"}}"#.utf8 + [10]))
        handle.write(Data(#"{"phase":"epoch","time":3,"do"#.utf8))

        let read = reader.readNew()
        let newest = try #require(read)
        #expect(newest.done == 2)
        #expect(newest.metrics["loss"]?.isNaN == true)
        let nothing = reader.readNew()
        #expect(nothing == nil)

        handle.write(Data(#"ne":3,"metrics":{}}"#.utf8 + [10]))
        handle.write(Data("not json at all\n".utf8))
        let third = reader.readNew()
        #expect(third?.done == 3)
        #expect(reader.latest?.done == 3)
    }
}
