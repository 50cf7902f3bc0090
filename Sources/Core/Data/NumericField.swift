import Foundation

/// Parses the numbers in CSV fields, turning each kind of bad value into a dropped-item reason.
enum NumericField {
    /// The finite number in `text`, or the reason it is not one. `column` names the field in the reason.
    static func parse(_ text: String, column: String) -> Result<Float, NumericFieldError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            return .failure(NumericFieldError(reason: DroppedReason.missingValue.with("\(column) is empty")))
        }
        let unsigned = trimmed.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "+-"))
        if ["nan", "inf", "infinity"].contains(unsigned) {
            return .failure(
                NumericFieldError(reason: DroppedReason.nonFiniteValue.with("\(column) is not a finite number")))
        }
        guard let value = Float(trimmed) else {
            return .failure(NumericFieldError(reason: DroppedReason.notANumber.with("\(column) is '\(clip(trimmed))'")))
        }
        guard value.isFinite else {
            return .failure(
                NumericFieldError(reason: DroppedReason.nonFiniteValue.with("\(column) is not a finite number")))
        }
        return .success(value)
    }

    /// Long text cut short for a reason string.
    static func clip(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "..."
    }
}

/// A field that is not a finite number, with its `DroppedReason`-coded reason.
struct NumericFieldError: Error {
    /// `code: detail`.
    var reason: String
}
