import Foundation

/// A loaded dataset and what loading it took: the counts every run reports.
public struct DatasetLoadReport: Sendable {
    /// The samples, with the dropped items and their reasons.
    public var dataset: LandmarkDataset
    /// What the landmark cache did; nil when the dataset has no images (landmark CSVs, builtin).
    public var extraction: ExtractionCounts?

    /// Creates a report.
    public init(dataset: LandmarkDataset, extraction: ExtractionCounts?) {
        self.dataset = dataset
        self.extraction = extraction
    }

    /// Dropped items counted by reason code (`no_face`, `wrong_landmark_count`, ...).
    public var droppedByReason: [String: Int] { DroppedReason.counts(of: dataset.dropped) }

    /// Samples per split, when the dataset has splits.
    public var samplesBySplit: [String: Int]? {
        guard let splits = dataset.splits else { return nil }
        var counts: [String: Int] = [:]
        for split in splits { counts[split.rawValue, default: 0] += 1 }
        return counts
    }

    /// Counts as figures: `samples`, `dropped`, and the extraction counts when there are images.
    public var metrics: [String: Double] {
        var metrics = extraction?.metrics ?? [:]
        metrics["samples"] = Double(dataset.count)
        metrics["dropped"] = Double(dataset.dropped.count)
        return metrics
    }

    /// One line for logs: samples, files, cache use and dropped items by reason.
    public var summaryLine: String {
        var parts = ["\(dataset.count) samples in \(dataset.classNames.count) classes"]
        if let extraction {
            parts.append(
                "\(extraction.files) image files, \(extraction.fromCache) from cache, \(extraction.extracted) extracted"
            )
        }
        let reasons = droppedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        parts.append(
            "\(dataset.dropped.count) dropped" + (reasons.isEmpty ? "" : " (\(reasons.joined(separator: ", ")))"))
        return parts.joined(separator: "; ")
    }

    /// The `loading` event that closes a load.
    var progressEvent: ProgressEvent {
        ProgressEvent(
            phase: "loading", time: Date().timeIntervalSince1970, done: dataset.count, total: dataset.count,
            metrics: metrics, message: summaryLine)
    }
}
