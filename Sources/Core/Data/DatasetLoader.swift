import Foundation

/// Reads any dataset spec into landmarks and labels.
///
/// Each kind has its reader (`AffectNetReader`, `FergReader`, `ImageFolderReader`,
/// `LandmarkCSVReader`, and the synthetic generator for `builtin:synthetic`). Readers that need
/// landmarks from images get them through the `LandmarkCache` in the owner's cache folder, and
/// the extractor (dlib) is loaded only when an image is not cached. A missing path, an unknown
/// option or a CSV without a required column fails the load; a bad row or image is dropped with
/// its reason and the rest loads.
public enum DatasetLoader {
    /// Loads `spec`, extracting landmarks from images through the cache in `cacheDirectory` where the
    /// dataset has images, and reporting extraction progress through `progress`.
    public static func load(
        _ spec: DatasetSpec, cacheDirectory: URL, progress: @Sendable (ProgressEvent) -> Void = { _ in }
    ) throws -> LandmarkDataset {
        try withoutActuallyEscaping(progress) { progress in
            try loadWithReport(spec, cacheDirectory: cacheDirectory, progress: progress).dataset
        }
    }

    /// Loads `spec` like `load`, and also returns what the landmark cache did.
    ///
    /// - Parameters:
    ///   - extractorVersion: the version the cache records must match; the real extractor's by default.
    ///   - makeExtractor: makes the extractor on the first image that is not cached.
    ///   - stopRequested: checked between images; when it returns true the load throws
    ///     `DatasetLoadError.stopped` (what was extracted stays cached).
    ///   - progress: `extracting` events with done and total while images are read, then one
    ///     `loading` event with the counts (`samples`, `dropped`, `files`, `from_cache`, `extracted`).
    public static func loadWithReport(
        _ spec: DatasetSpec, cacheDirectory: URL,
        extractorVersion: String = FaceLandmarker.extractorVersion,
        makeExtractor: @escaping LandmarkExtractorFactory = { try FaceLandmarker() },
        stopRequested: @escaping () -> Bool = { false },
        progress: @escaping (ProgressEvent) -> Void = { _ in }
    ) throws -> DatasetLoadReport {
        let context = DatasetLoadContext(
            cacheDirectory: cacheDirectory, extractorVersion: extractorVersion, makeExtractor: makeExtractor,
            progress: progress, stopRequested: stopRequested)

        let dataset: LandmarkDataset
        switch spec.kind {
        case .builtin:
            dataset = try loadBuiltin(spec)
        case .affectnet:
            dataset = try AffectNetReader.load(spec, context: context)
        case .ferg:
            dataset = try FergReader.load(spec, context: context)
        case .folder:
            dataset = try ImageFolderReader.load(spec, context: context)
        case .landmarks:
            dataset = try LandmarkCSVReader.load(spec)
        }

        let report = DatasetLoadReport(dataset: dataset, extraction: context.extractionCounts)
        progress(report.progressEvent)
        return report
    }

    /// Checks `spec` without reading its data: the builtin name, the options and their values, and
    /// that the path exists and is a file or a folder as the reader needs. For refusing a job at
    /// submit time; the path check sees the file system as the caller does.
    public static func validate(_ spec: DatasetSpec) throws(DatasetLoadError) {
        switch spec.kind {
        case .builtin: _ = try BuiltinSettings(spec)
        case .affectnet: _ = try AffectNetReader.Settings(spec)
        case .ferg: _ = try FergReader.Settings(spec)
        case .folder: _ = try ImageFolderReader.Settings(spec)
        case .landmarks: _ = try LandmarkCSVReader.Settings(spec)
        }
    }

    /// The options `builtin:synthetic` takes.
    static let builtinOptions = ["samples", "seed", "difficulty", "classes"]

    /// `builtin:synthetic?samples=N&seed=S&difficulty=standard|easy&classes=8|7`, checked.
    struct BuiltinSettings {
        /// The most samples the generator is asked for: 1,000,000 faces are about 0.8 GB of
        /// landmarks, and one job must not be able to take a shared machine's memory.
        static let maximumSamples = 1_000_000

        var samples: Int
        var seed: UInt64
        var generatorOptions: SyntheticExpressionDataset.Options

        init(_ spec: DatasetSpec) throws(DatasetLoadError) {
            guard spec.location == "synthetic" else { throw .unknownBuiltin(spec.location) }
            let options = try DatasetOptions(spec, known: DatasetLoader.builtinOptions)
            samples = try options.integer("samples", default: 4000)
            guard (1...Self.maximumSamples).contains(samples) else {
                throw .badOptionValue(
                    option: "samples", value: String(samples), expected: "from 1 to \(Self.maximumSamples)")
            }
            seed = UInt64(try options.integer("seed", default: 1))
            let presets = SyntheticExpressionDataset.Options.presets.keys.sorted()
            _ = try options.choice("difficulty", presets, default: "standard")
            _ = try options.choice("classes", ["7", "8"], default: "8")
            do {
                generatorOptions = try SyntheticExpressionDataset.Options(specOptions: spec.options)
            } catch {
                throw .badOptionValue(option: "builtin", value: spec.description, expected: error.description)
            }
        }
    }

    private static func loadBuiltin(_ spec: DatasetSpec) throws -> LandmarkDataset {
        let settings = try BuiltinSettings(spec)
        return SyntheticExpressionDataset.make(
            samples: settings.samples, seed: settings.seed, options: settings.generatorOptions)
    }
}
