/// The contents of an extract job's `results/extraction.json`.
public struct ExtractionResult: Codable, Sendable, Equatable {
    /// The dataset spec, as the user would write it.
    public var dataset: String
    /// The class names.
    public var classes: [String]
    /// Usable samples.
    public var samples: Int
    /// What the landmark cache did; nil for datasets without images.
    public var extraction: ExtractionCounts?
    /// Samples per split, when the dataset has splits.
    public var samplesBySplit: [String: Int]?
    /// Dropped items counted by reason code.
    public var droppedByReason: [String: Int]
    /// Every dropped item with its reason.
    public var dropped: [DroppedItem]

    /// The result for `report`.
    public init(dataset: String, report: DatasetLoadReport) {
        self.dataset = dataset
        classes = report.dataset.classNames
        samples = report.dataset.count
        extraction = report.extraction
        samplesBySplit = report.samplesBySplit
        droppedByReason = report.droppedByReason
        dropped = report.dataset.dropped
    }

    private enum CodingKeys: String, CodingKey {
        case dataset, classes, samples, extraction, dropped
        case samplesBySplit = "samples_by_split"
        case droppedByReason = "dropped_by_reason"
    }
}
