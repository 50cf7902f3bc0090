import Foundation

/// Where the built executables and the fixtures are.
///
/// The executables sit beside the test bundle (`.build/<configuration>/`); `GLARE_BIN_DIR`
/// overrides that. The fixtures are in `GLARE_FIXTURES` or `<package root>/.fixtures`.
enum GlareInstallation {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The directory holding glared, glarectl and glare-worker.
    static func binaryDirectory() throws -> URL {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["GLARE_BIN_DIR"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        // On Linux the test bundle is an executable; /proc/self/exe is it, whatever the working directory.
        if let bundle = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: bundle).deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for configuration in ["debug", "release"] {
            candidates.append(packageRoot().appendingPathComponent(".build/\(configuration)"))
        }

        for directory in candidates {
            let names = ["glared", "glarectl", "glare-worker"]
            if names.allSatisfy({
                FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent($0).path)
            }) {
                return directory
            }
        }
        throw Missing(
            description: "glared, glarectl and glare-worker are not built beside the tests (looked in "
                + candidates.map(\.path).joined(separator: ", ")
                + "); run 'swift build --build-tests' before 'swift test', or set GLARE_BIN_DIR")
    }

    /// The folder with Package.swift, found by walking up from this file.
    static func packageRoot() -> URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// The real photos (`.fixtures/photos`), or an error telling how to fetch them.
    static func photosDirectory() throws -> URL {
        let environment = ProcessInfo.processInfo.environment["GLARE_FIXTURES"]
        let fixtures = environment.map { URL(fileURLWithPath: $0) } ?? packageRoot().appendingPathComponent(".fixtures")
        let photos = fixtures.appendingPathComponent("photos")
        let probe = photos.appendingPathComponent("multi_face.jpg").path
        guard FileManager.default.fileExists(atPath: probe) else {
            throw Missing(description: "the fixture photos are missing (\(probe)); run scripts/fetch-fixtures")
        }
        return photos
    }
}
