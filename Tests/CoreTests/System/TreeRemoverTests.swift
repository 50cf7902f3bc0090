import Foundation
import Glibc
import Testing

@testable import Core

@Suite("Tree remover")
struct TreeRemoverTests {
    @Test func remove_deletesEveryLevel_includingNamesThatAreNotUTF8() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tree = directory.url.appendingPathComponent("job")
        try FileManager.default.createDirectory(
            at: tree.appendingPathComponent("results/deep/deeper"), withIntermediateDirectories: true)
        try "x".write(to: tree.appendingPathComponent("log"), atomically: false, encoding: .utf8)
        try "y".write(to: tree.appendingPathComponent("results/deep/deeper/f"), atomically: false, encoding: .utf8)
        // A name of two bytes that are not UTF-8, which a String cannot carry.
        let oddName = tree.path + "/results/\u{1}"
        var bytes = Array(oddName.utf8CString.dropLast(2))
        bytes += [CChar(bitPattern: 0xFF), CChar(bitPattern: 0xFE), 0]
        let descriptor = open(bytes, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        #expect(descriptor >= 0)
        close(descriptor)

        try TreeRemover.remove(tree.path)

        #expect(!FileManager.default.fileExists(atPath: tree.path))
        // A tree that is already gone is not an error.
        try TreeRemover.remove(tree.path)
    }

    @Test func remove_unlinksASymbolicLink_andLeavesItsTargetAlone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let outside = directory.url.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let victim = outside.appendingPathComponent("victim")
        try "keep".write(to: victim, atomically: false, encoding: .utf8)
        let tree = directory.url.appendingPathComponent("job")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        #expect(symlink(outside.path, tree.appendingPathComponent("folder").path) == 0)
        #expect(symlink(victim.path, tree.appendingPathComponent("file").path) == 0)

        try TreeRemover.remove(tree.path)

        #expect(!FileManager.default.fileExists(atPath: tree.path))
        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep")
    }

    /// The owner of a job directory can swap a folder in it for a link between the moment the
    /// remover lists it and the moment it deletes what it listed; a remover that deletes by path
    /// (`unlink("<job>/results/sub/victim")`) then deletes the file the link leads to, as root.
    @Test func remove_whenAFolderIsSwappedForALinkWhileItIsRemoved_deletesNothingOutside() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let outside = directory.url.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let victim = outside.appendingPathComponent("victim")
        try "keep".write(to: victim, atomically: false, encoding: .utf8)
        let tree = directory.url.appendingPathComponent("job")
        let folder = tree.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "bait".write(to: folder.appendingPathComponent("victim"), atomically: false, encoding: .utf8)

        var swapped = false
        try TreeRemover.remove(tree.path) { name in
            // Once `sub` has been listed and its entry `victim` is about to go, `sub` becomes a link.
            guard name == "victim", !swapped else { return }
            swapped = true
            #expect(rename(folder.path, tree.appendingPathComponent("moved").path) == 0)
            #expect(symlink(outside.path, folder.path) == 0)
        }

        #expect(swapped)
        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep")
        #expect(!FileManager.default.fileExists(atPath: tree.path))
    }

    @Test func remove_refusesATreeDeeperThanTheLimit_withoutCrashing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tree = directory.url.appendingPathComponent("job")
        let deep = (0...TreeRemover.maximumDepth).reduce(tree) { url, _ in url.appendingPathComponent("d") }
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)

        #expect(throws: SystemCallError.self) { try TreeRemover.remove(tree.path) }
    }
}
