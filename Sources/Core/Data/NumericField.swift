import Foundation

/// Parses the numbers in CSV fields, turning each kind of bad value into a dropped-item reason.
enum NumericField {
    /// The finite number in `text`, or the reason it is not one. `column` names the field in the reason.
    static func parse(_ text: String, column: String) -> Result<Float, NumericFieldError> {
        let trimmed = FieldPadding.trimmed(text)
        guard !trimmed.isEmpty else {
            return .failure(NumericFieldError(reason: DroppedReason.missingValue.with("\(column) is empty")))
        }
        // `Float` reads "nan", "inf" and "infinity" in any case and with a sign; the spellings it
        // does not read are still called non-finite rather than not a number.
        guard let value = Float(trimmed) else {
            let unsigned = trimmed.lowercased().drop { $0 == "+" || $0 == "-" }
            if ["nan", "inf", "infinity"].contains(unsigned) {
                return .failure(
                    NumericFieldError(reason: DroppedReason.nonFiniteValue.with("\(column) is not a finite number")))
            }
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
