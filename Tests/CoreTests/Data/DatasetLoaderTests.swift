import Foundation
import Synchronization
import Testing

@testable import Core

@Suite struct DatasetLoaderTests {
    private func load(_ text: String, cache: URL = URL(fileURLWithPath: "/nonexistent/cache")) throws -> LandmarkDataset
    {
        try DatasetLoader.load(try DatasetSpec(parsing: text), cacheDirectory: cache)
    }

    @Test func load_whenPathIsMissing_failsNamingIt() {
        for kind in ["affectnet", "ferg", "folder", "landmarks"] {
            #expect(throws: DatasetLoadError.missingPath("/nonexistent/glare/data")) {
                try load("\(kind):/nonexistent/glare/data")
            }
        }
    }

    @Test func load_whenPathCannotBeReached_saysWhyInsteadOfMissing() throws {
        // A loop of links stands for any error of stat other than "no such file" (a folder the
        // owner may not search gives EACCES, which a test running as root cannot make).
        let folder = try ScratchFolder("loader")
        defer { folder.remove() }
        let loop = folder.path("loop").path
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)

        #expect(throws: DatasetLoadError.unreadableFile(path: loop, reason: "too many levels of symbolic links")) {
            try load("landmarks:\(loop)")
        }
        #expect(throws: DatasetLoadError.unreadableFile(path: loop, reason: "too many levels of symbolic links")) {
            try load("folder:\(loop)")
        }
    }

    @Test func inferInputs_nameWhyAPathCannotBeRead() throws {
        let folder = try ScratchFolder("loader")
        defer { folder.remove() }
        let loop = folder.path("loop").path
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        let file = try folder.write("x", to: "a.csv")

        let inputs = InferInputs(paths: [loop, folder.path("absent.jpg").path, file.path + "/below.jpg", file.path])

        let described = inputs.items.map { item -> String in
            switch item {
            case .missing(_, let reason): return reason
            case .image: return "image"
            case .landmarkFile: return "landmarks"
            }
        }
        #expect(
            described == [
                "too many levels of symbolic links", "no such file or folder", "no such file or folder", "landmarks",
            ])
    }

    @Test func specParsing_readsOptions_andRefusesOneGivenTwice() throws {
        let spec = try DatasetSpec(parsing: "builtin:synthetic?samples=10&seed=2")
        #expect(spec.options == ["samples": "10", "seed": "2"] && spec.location == "synthetic")
        #expect(throws: DatasetSpecError.repeatedOption("samples")) {
            try DatasetSpec(parsing: "builtin:synthetic?samples=1&seed=3&samples=2")
        }
    }

    /// A name that is not UTF-8 was dropped from an infer job's output without a word.
    @Test func inferInputs_giveAnErrorRowForANameThatIsNotUTF8() throws {
        let folder = try ScratchFolder("loader")
        defer { folder.remove() }
        _ = try folder.write("x", to: "photos/b.jpg")
        let rawName: [UInt8] =
            Array((folder.path("photos").path + "/a").utf8) + [0xFF, 0xFE] + Array(".jpg".utf8) + [0]
        let descriptor = rawName.withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o600) }
        }
        try #require(descriptor >= 0)
        close(descriptor)

        let inputs = InferInputs(paths: [folder.path("photos").path])

        #expect(inputs.items.count == 2)
        let reasons = inputs.items.compactMap { item -> String? in
            if case .missing(_, let reason) = item { return reason }
            return nil
        }
        #expect(reasons == ["the file name is not valid UTF-8; rename the file"])
    }

    @Test func load_whenOptionIsUnknown_failsListingTheKnownOnes() throws {
        let folder = try ScratchFolder("loader")
        defer { folder.remove() }
        #expect(throws: DatasetLoadError.unknownOption(kind: "ferg", option: "sead", known: FergReader.knownOptions)) {
            try load("ferg:\(folder.url.path)?sead=3")
        }
        #expect(
            throws: DatasetLoadError.unknownOption(kind: "builtin", option: "size", known: DatasetLoader.builtinOptions)
        ) {
            try load("builtin:synthetic?size=3")
        }
        let message = DatasetLoadError.unknownOption(kind: "ferg", option: "sead", known: FergReader.knownOptions)
            .description
        #expect(message == "unknown option 'sead' for ferg datasets; known options: seed, test, validation")
    }

    @Test func load_whenOptionValueIsBad_failsSayingWhatIsExpected() throws {
        let folder = try ScratchFolder("loader")
        defer { folder.remove() }
        #expect(throws: DatasetLoadError.badOptionValue(option: "classes", value: "6", expected: "7 or 8")) {
            try load("affectnet:\(folder.url.path)?classes=6")
        }
    }

    @Test func load_builtinSynthetic_passesSamplesSeedAndGeneratorOptionsThrough() throws {
        let dataset = try load("builtin:synthetic?samples=21&seed=3&classes=7&difficulty=easy")
        let expected = SyntheticExpressionDataset.make(
            samples: 21, seed: 3,
            options: try SyntheticExpressionDataset.Options(specOptions: ["classes": "7", "difficulty": "easy"]))

        #expect(dataset.count == 21)
        #expect(dataset.classNames.count == 7)
        #expect(dataset.labels == expected.labels)
        expectAllClose(dataset.landmarks, expected.landmarks, tolerance: 0, "builtin:synthetic samples=21 seed=3")
        #expect(
            throws: DatasetLoadError.badOptionValue(option: "difficulty", value: "hard", expected: "easy or standard")
        ) {
            try load("builtin:synthetic?difficulty=hard")
        }
    }

    @Test func load_whenBuiltinNameIsUnknown_fails() {
        #expect(throws: DatasetLoadError.unknownBuiltin("imagenet")) { try load("builtin:imagenet") }
    }

    @Test func load_whenPathIsAFileWhereAFolderIsExpected_failsSayingSo() throws {
        let folder = try ScratchFolder("loader")
        defer { folder.remove() }
        let file = try folder.write("x", to: "file.csv")
        #expect(throws: DatasetLoadError.wrongPathType(path: file.path, expected: "a folder")) {
            try load("folder:\(file.path)")
        }
        #expect(throws: DatasetLoadError.wrongPathType(path: folder.url.path, expected: "a file")) {
            try load("landmarks:\(folder.url.path)")
        }
    }

    @Test func validate_checksNameOptionsAndPathsWithoutReadingData() throws {
        let folder = try ScratchFolder("loader")
        defer { folder.remove() }
        let file = try folder.write("not even a csv", to: "faces.csv")

        try DatasetLoader.validate(DatasetSpec(parsing: "builtin:synthetic?samples=10&seed=2"))
        try DatasetLoader.validate(DatasetSpec(parsing: "ferg:\(folder.url.path)?test=0.2"))
        try DatasetLoader.validate(DatasetSpec(parsing: "landmarks:\(file.path)?label=emotion"))
        #expect(throws: DatasetLoadError.missingPath("/nonexistent/glare")) {
            try DatasetLoader.validate(DatasetSpec(parsing: "folder:/nonexistent/glare"))
        }
        #expect(throws: DatasetLoadError.unknownBuiltin("other")) {
            try DatasetLoader.validate(DatasetSpec(parsing: "builtin:other"))
        }
        #expect(throws: DatasetLoadError.badOptionValue(option: "landmarks", value: "both", expected: "csv or images"))
        {
            try DatasetLoader.validate(DatasetSpec(parsing: "affectnet:\(folder.url.path)?landmarks=both"))
        }
        #expect(throws: DatasetLoadError.missingPath("/nonexistent/images")) {
            try DatasetLoader.validate(DatasetSpec(parsing: "affectnet:\(folder.url.path)?images=/nonexistent/images"))
        }
    }

    @Test func load_reportsExtractionProgressThenTheCounts() throws {
        let folder = try ScratchFolder("loader")
        defer { folder.remove() }
        for index in 0..<250 { try folder.write(index == 7 ? "noface" : "faces 1", to: "faces/a/\(index).jpg") }
        try folder.write("faces 1", to: "faces/b/x.png")
        let events = Mutex<[ProgressEvent]>([])
        let extractor = CountingExtractor()
        let spec = try DatasetSpec(parsing: "folder:\(folder.path("faces").path)")

        _ = try DatasetLoader.loadWithReport(
            spec, cacheDirectory: folder.cache, extractorVersion: extractor.extractorVersion,
            makeExtractor: { extractor }, progress: { event in events.withLock { $0.append(event) } })
        let second = try DatasetLoader.loadWithReport(
            spec, cacheDirectory: folder.cache, extractorVersion: extractor.extractorVersion,
            makeExtractor: { extractor }, progress: { event in events.withLock { $0.append(event) } })

        let all = events.withLock { $0 }
        let extracting = all.filter { $0.phase == "extracting" }
        #expect(extracting.first?.done == 0 && extracting.first?.total == 251)
        #expect(extracting.contains { $0.done == 251 })
        #expect(extracting.count <= 2 * 102, "at most about one event per hundredth of the files, per load")
        let loading = all.filter { $0.phase == "loading" }
        #expect(loading.count == 2)
        #expect(loading.last?.metrics["from_cache"] == 251 && loading.last?.metrics["extracted"] == 0)
        #expect(loading.first?.metrics["extracted"] == 251 && loading.first?.metrics["dropped"] == 1)
        #expect(
            second.summaryLine
                == "250 samples in 2 classes; 251 image files, 251 from cache, 0 extracted; 1 dropped (no_face 1)")
        #expect(extractor.callCount == 251)
    }

    @Test func load_whenStopIsRequested_throwsStoppedAndKeepsWhatWasExtracted() throws {
        let folder = try ScratchFolder("loader")
        defer { folder.remove() }
        for index in 0..<10 { try folder.write("faces 1", to: "faces/a/\(index).jpg") }
        let extractor = CountingExtractor()
        let spec = try DatasetSpec(parsing: "folder:\(folder.path("faces").path)")

        #expect(throws: DatasetLoadError.stopped) {
            try DatasetLoader.loadWithReport(
                spec, cacheDirectory: folder.cache, extractorVersion: extractor.extractorVersion,
                makeExtractor: { extractor }, stopRequested: { extractor.callCount >= 4 })
        }
        let report = try DatasetLoader.loadWithReport(
            spec, cacheDirectory: folder.cache, extractorVersion: extractor.extractorVersion,
            makeExtractor: { extractor })

        #expect(report.extraction?.fromCache == 4)
        #expect(extractor.callCount == 10)
    }
}
