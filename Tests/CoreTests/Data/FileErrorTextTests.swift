import Foundation
import Glibc
import Testing

@testable import Core

/// A job's reason names what went wrong with a file in a few lower-case words, not Foundation's
/// sentence ("The operation could not be completed. (NSCocoaErrorDomain error 256.)").
@Suite("File error text")
struct FileErrorTextTests {
    @Test func reasons_forAFolderAndAMissingFile_areTheSystemsShortWords() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "file-error-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).glare")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("absent.csv")

        let folderError = try #require(throws: ModelFileError.self) { try GlareModel.load(contentsOf: folder) }
        let missingError = try #require(throws: DatasetLoadError.self) {
            try CSVRecordReader(url: missing).forEachRecord { _, _ in }
        }
        let folderReason = "\(folderError)"
        let missingReason = "\(missingError)"

        #expect(folderReason == "cannot read \(folder.path): is a directory", "\(folderReason)")
        #expect(missingReason == "cannot read \(missing.path): no such file or directory", "\(missingReason)")
    }
}
