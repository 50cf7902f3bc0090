/// Labelled faces as 68 landmarks each, the form every dataset reader produces and the trainer consumes.
///
/// Landmarks are stored flat, sample-major: sample `s`, landmark `l`, axis `a` (x, y, z) is at
/// `landmarks[(s * 68 + l) * 3 + a]`, in the reader's own coordinates (image pixels for
/// detected faces). Normalisation is the model's business, so it is applied there and recorded
/// in the model file.
public struct LandmarkDataset: Sendable {
    /// Landmarks per face.
    public static let landmarkCount = 68
    /// Numbers per face: 68 points of (x, y, z).
    public static let valuesPerSample = landmarkCount * 3

    /// Class names; a label is an index into this array.
    public var classNames: [String]
    /// `count * 204` landmark coordinates.
    public var landmarks: [Float]
    /// One label per sample.
    public var labels: [Int]
    /// Where each sample came from (a file path, a CSV row, a generator index), for reports.
    public var sources: [String]
    /// The reader's split of each sample, when the dataset defines one (AffectNet's validation set).
    public var splits: [DatasetSplit]?
    /// Items the reader could not use, with the reason for each.
    public var dropped: [DroppedItem]

    /// Creates a dataset; `landmarks.count` must be `labels.count * 204`.
    public init(
        classNames: [String], landmarks: [Float], labels: [Int], sources: [String],
        splits: [DatasetSplit]? = nil, dropped: [DroppedItem] = []
    ) {
        precondition(landmarks.count == labels.count * Self.valuesPerSample, "landmark count does not match labels")
        precondition(sources.count == labels.count, "source count does not match labels")
        self.classNames = classNames
        self.landmarks = landmarks
        self.labels = labels
        self.sources = sources
        self.splits = splits
        self.dropped = dropped
    }

    /// Number of samples.
    public var count: Int { labels.count }

    /// The samples at `indices`, in that order, keeping the class names.
    public func subset(_ indices: [Int]) -> LandmarkDataset {
        var landmarks: [Float] = []
        landmarks.reserveCapacity(indices.count * Self.valuesPerSample)
        for index in indices {
            let start = index * Self.valuesPerSample
            landmarks.append(contentsOf: self.landmarks[start..<start + Self.valuesPerSample])
        }
        return LandmarkDataset(
            classNames: classNames, landmarks: landmarks, labels: indices.map { labels[$0] },
            sources: indices.map { sources[$0] }, splits: splits.map { all in indices.map { all[$0] } },
            dropped: [])
    }
}

/// The part of a dataset a sample belongs to.
public enum DatasetSplit: String, Codable, Sendable {
    /// Used to fit the weights.
    case train
    /// Used for early stopping and the schedule.
    case validation
    /// Held out for the final figures.
    case test
}

/// An input a reader skipped, and why. Runs report these counts.
public struct DroppedItem: Codable, Sendable, Equatable {
    /// The file or row.
    public var source: String
    /// A short reason such as `no_face`, `unreadable_image`, `bad_row: ...`.
    public var reason: String

    /// Creates a record.
    public init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }
}
