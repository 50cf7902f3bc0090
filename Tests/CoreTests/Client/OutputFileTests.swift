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

    /// `result -o /etc/passwd` printed a CocoaError's dump; the message now names the folder and why.
    @Test func makeFolders_underAFile_namesTheFolderAndWhy() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "output-folders-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("passwd").path
        try Data("root:x:0:0\n".utf8).write(to: URL(fileURLWithPath: file))

        #expect(throws: ClientError.system(operation: "create folder \(file)", errno: ENOTDIR)) {
            try OutputFile.makeFolders(file)
        }
        #expect(throws: ClientError.system(operation: "create folder \(file)", errno: ENOTDIR)) {
            try OutputFile.makeFolders(file + "/sub")
        }
        let nested = directory.appendingPathComponent("a/b/c").path
        try OutputFile.makeFolders(nested)
        try OutputFile.makeFolders(nested)
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: nested, isDirectory: &isFolder) && isFolder.boolValue)
    }

    /// A download replaced what stood at its name with FileManager.removeItem, so a folder of the
    /// same name was deleted with everything in it; now only a file is replaced.
    @Test func moveIntoPlace_replacesAFile_butNotAFolder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "output-move-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let partial = directory.appendingPathComponent("metrics.json.part").path
        let destination = directory.appendingPathComponent("metrics.json").path
        try Data("new".utf8).write(to: URL(fileURLWithPath: partial))
        try Data("old".utf8).write(to: URL(fileURLWithPath: destination))

        try OutputFile.moveIntoPlace(partial, as: destination)
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination)) == Data("new".utf8))

        let folder = directory.appendingPathComponent("model.glare").path
        let precious = folder + "/precious"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: precious))
        try Data("new".utf8).write(to: URL(fileURLWithPath: partial))
        #expect(throws: ClientError.self) { try OutputFile.moveIntoPlace(partial, as: folder) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: precious)) == Data("keep".utf8))
    }
}
