/// The reason codes of `DroppedItem.reason`.
///
/// A reason reads `code: detail`, e.g. `wrong_landmark_count: 134 numbers, expected 136`. Reports
/// count dropped items by code, the part before the colon.
public enum DroppedReason: String, Sendable, CaseIterable {
    /// A row has fewer or more fields than the header.
    case wrongFieldCount = "wrong_field_count"
    /// A required field is empty.
    case missingValue = "missing_value"
    /// A landmark field does not hold the expected number of values.
    case wrongLandmarkCount = "wrong_landmark_count"
    /// A numeric field holds NaN or an infinity.
    case nonFiniteValue = "non_finite_value"
    /// A numeric field holds text.
    case notANumber = "not_a_number"
    /// A label that is not one of the dataset's classes.
    case unknownLabel = "unknown_label"
    /// A known label the chosen class map leaves out (AffectNet's none, uncertain, no face, or
    /// contempt with seven classes).
    case excludedLabel = "excluded_label"
    /// An image file that does not exist.
    case missingFile = "missing_file"
    /// A file the extractor could not read as an image (empty, truncated, not an image).
    case unreadableImage = "unreadable_image"
    /// An image in which no face was found, or a landmark row its tracker marked as failed.
    case noFace = "no_face"

    /// `code: detail`.
    public func with(_ detail: String) -> String { "\(rawValue): \(detail)" }

    /// The code part of a reason string.
    public static func code(of reason: String) -> String {
        guard let colon = reason.firstIndex(of: ":") else { return reason }
        return String(reason[..<colon])
    }

    /// Dropped items counted by reason code.
    public static func counts(of dropped: [DroppedItem]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for item in dropped { counts[code(of: item.reason), default: 0] += 1 }
        return counts
    }
}
