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

    /// The options `builtin:synthetic` takes.
    static let builtinOptions = ["samples", "seed"]

    private static func loadBuiltin(_ spec: DatasetSpec) throws -> LandmarkDataset {
        guard spec.location == "synthetic" else { throw DatasetLoadError.unknownBuiltin(spec.location) }
        let options = try DatasetOptions(spec, known: builtinOptions)
        let samples = try options.integer("samples", default: 4000)
        let seed = UInt64(try options.integer("seed", default: 1))
        return SyntheticExpressionDataset.make(samples: samples, seed: seed)
    }
}
