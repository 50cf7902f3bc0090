import Foundation

/// One labelled image a reader wants landmarks for.
struct ImageSample {
    /// The image file.
    var url: URL
    /// Index into the dataset's class names.
    var label: Int
    /// What reports call it (a path, or a CSV row).
    var source: String
    /// The split the reader assigned, if any.
    var split: DatasetSplit?
    /// Where the dataset says the face is; the detected face overlapping it most is used.
    var referenceBox: FaceBox?
}

/// What a reader needs from the loader: the landmark cache (made on first use), progress and stop.
final class DatasetLoadContext {
    /// The owner's cache folder.
    let cacheDirectory: URL
    /// Reports extraction progress.
    let progress: (ProgressEvent) -> Void
    /// Whether the job was asked to stop.
    let stopRequested: () -> Bool
    /// Seconds between extraction progress events.
    var progressInterval = 0.5

    private let extractorVersion: String
    private let makeExtractor: LandmarkExtractorFactory
    private var cacheInstance: LandmarkCache?

    init(
        cacheDirectory: URL, extractorVersion: String, makeExtractor: @escaping LandmarkExtractorFactory,
        progress: @escaping (ProgressEvent) -> Void, stopRequested: @escaping () -> Bool
    ) {
        self.cacheDirectory = cacheDirectory
        self.extractorVersion = extractorVersion
        self.makeExtractor = makeExtractor
        self.progress = progress
        self.stopRequested = stopRequested
    }

    /// The cache, made on first use.
    var cache: LandmarkCache {
        if let cacheInstance { return cacheInstance }
        let version = extractorVersion
        let cache = LandmarkCache(
            cacheDirectory: cacheDirectory, extractorVersion: version, makeExtractor: makeExtractor)
        cacheInstance = cache
        return cache
    }

    /// What the cache did, or nil when no image was looked up.
    var extractionCounts: ExtractionCounts? { cacheInstance?.counts }

    /// Landmarks for every sample through the cache, one face per image: the one overlapping the
    /// sample's reference box most, else the largest. Images without a face or that cannot be read
    /// are dropped with their reason. `splits` is filled when every sample has a split.
    func collect(_ samples: [ImageSample], classNames: [String], dropped: [DroppedItem]) throws -> LandmarkDataset {
        var landmarks: [Float] = []
        landmarks.reserveCapacity(samples.count * LandmarkDataset.valuesPerSample)
        var labels: [Int] = []
        var sources: [String] = []
        var splits: [DatasetSplit] = []
        var dropped = dropped
        var throttle = ProgressThrottle(phase: "extracting", total: samples.count, minimumInterval: progressInterval)
        if let event = throttle.event(done: 0) { progress(event) }

        for (index, sample) in samples.enumerated() {
            if stopRequested() { throw DatasetLoadError.stopped }

            switch try cache.faces(inImageAt: sample.url) {
            case .failed(let reason):
                dropped.append(DroppedItem(source: sample.source, reason: reason))
            case .faces(let found):
                if let face = Self.choose(from: found.faces, near: sample.referenceBox) {
                    landmarks.append(contentsOf: face.landmarks)
                    labels.append(sample.label)
                    sources.append(sample.source)
                    if let split = sample.split { splits.append(split) }
                } else {
                    dropped.append(
                        DroppedItem(source: sample.source, reason: DroppedReason.noFace.with("no face found")))
                }
            }

            if let event = throttle.event(done: index + 1) { progress(event) }
        }

        return LandmarkDataset(
            classNames: classNames, landmarks: landmarks, labels: labels, sources: sources,
            splits: splits.count == labels.count && !labels.isEmpty ? splits : nil, dropped: dropped)
    }

    /// The face overlapping `reference` most (intersection over union), else the largest.
    static func choose(from faces: [DetectedFace], near reference: FaceBox?) -> DetectedFace? {
        guard !faces.isEmpty else { return nil }
        let largest = faces.max { area($0.box) < area($1.box) }
        guard let reference else { return largest }
        let best = faces.max { overlap($0.box, reference) < overlap($1.box, reference) }
        guard let best, overlap(best.box, reference) > 0 else { return largest }
        return best
    }

    private static func area(_ box: FaceBox) -> Double { max(0, box.width) * max(0, box.height) }

    private static func overlap(_ first: FaceBox, _ second: FaceBox) -> Double {
        let width = min(first.x + first.width, second.x + second.width) - max(first.x, second.x)
        let height = min(first.y + first.height, second.y + second.height) - max(first.y, second.y)
        guard width > 0, height > 0 else { return 0 }
        let intersection = width * height
        return intersection / (area(first) + area(second) - intersection)
    }
}
