import Foundation
import Glibc
import Testing

@testable import GlareClient

@Suite("OutputFile")
struct OutputFileTests {
    @Test func write_appendsEveryChunkInOrder_andTruncatesAnOldFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "output-file-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("predictions.csv").path
        try Data("an older and longer content\n".utf8).write(to: URL(fileURLWithPath: path))

        let file = try OutputFile(creatingAt: path)
        try file.write(Data("a,b\n".utf8))
        try file.write(Data())
        try file.write(Data(repeating: UInt8(ascii: "x"), count: 300_000))
        try file.close()

        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written.count == 4 + 300_000)
        #expect(written.prefix(4) == Data("a,b\n".utf8))
    }

    @Test func create_inAMissingDirectory_namesTheCallAndThePath() {
        let path = "/nonexistent-\(getpid())/result.json"
        #expect(throws: ClientError.system(operation: "open \(path)", errno: ENOENT)) {
            try OutputFile(creatingAt: path)
        }
    }
}
