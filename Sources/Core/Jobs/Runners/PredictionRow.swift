/// One row of an inference job's output: one face, or one file or landmark row without a usable face.
public struct PredictionRow: Sendable, Equatable {
    /// What became of the face or file.
    public enum Status: String, Codable, Sendable {
        /// A face was found and classified.
        case ok
        /// The image holds no face (or a landmark row its tracker marked as failed).
        case noFace = "no_face"
        /// The file or row could not be used; `message` says why.
        case error
    }

    /// The image or landmark file.
    public var file: String
    /// The face's index in the image (largest first), or the data row's index in a landmark file;
    /// nil when the row stands for a whole file.
    public var face: Int?
    /// The face's box in the image's pixels; nil for landmark rows and rows without a face.
    public var box: FaceBox?
    /// One probability per class, in the model's class order; empty unless the status is `ok`.
    public var probabilities: [Float]
    /// The most probable class; nil unless the status is `ok`.
    public var topClass: String?
    /// Its probability.
    public var topProbability: Float?
    /// What became of it.
    public var status: Status
    /// Why it is not `ok`.
    public var message: String?

    /// Creates a row.
    public init(
        file: String, face: Int?, box: FaceBox?, probabilities: [Float], topClass: String?, topProbability: Float?,
        status: Status, message: String?
    ) {
        self.file = file
        self.face = face
        self.box = box
        self.probabilities = probabilities
        self.topClass = topClass
        self.topProbability = topProbability
        self.status = status
        self.message = message
    }

    /// A row for a file or landmark row without a usable face.
    static func failure(file: String, face: Int?, status: Status, message: String) -> PredictionRow {
        PredictionRow(
            file: file, face: face, box: nil, probabilities: [], topClass: nil, topProbability: nil, status: status,
            message: message)
    }
}
