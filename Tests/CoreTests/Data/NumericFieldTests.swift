import Testing

@testable import Core

@Suite("Numeric fields")
struct NumericFieldTests {
    @Test(arguments: [
        ("1.5", Float(1.5)), (" -2.25\t", -2.25), ("\u{00A0}3\u{2009}", 3), ("\u{FEFF}4", 4), ("1e-3", 0.001),
        ("+7", 7),
    ])
    func parse_readsNumbersInsideAnyPadding(text: String, expected: Float) throws {
        #expect(try NumericField.parse(text, column: "X_0").get() == expected)
    }

    @Test(arguments: [
        ("", "missing_value"), (" \t ", "missing_value"), ("nan", "non_finite_value"), ("-NaN", "non_finite_value"),
        ("Infinity", "non_finite_value"), ("+inf", "non_finite_value"), ("1e40", "non_finite_value"),
        ("abc", "not_a_number"), ("1.5.2", "not_a_number"), ("1 5", "not_a_number"),
    ])
    func parse_namesWhatIsWrongWithAValue(text: String, code: String) {
        guard case .failure(let error) = NumericField.parse(text, column: "X_0") else {
            Issue.record("\(text.debugDescription) was read as a number")
            return
        }
        #expect(DroppedReason.code(of: error.reason) == code, "\(error.reason)")
    }

    @Test func trimmed_removesOnlyPaddingAtTheEnds() {
        #expect(FieldPadding.trimmed("X_0") == "X_0")
        #expect(FieldPadding.trimmed("\u{FEFF} X_0 \t") == "X_0")
        #expect(FieldPadding.trimmed(" a b ") == "a b")
        #expect(FieldPadding.trimmed("\u{3000}\u{00A0}") == "")
        #expect(FieldPadding.trimmed("") == "")
        #expect(FieldPadding.trimmed("é ") == "é")
        #expect(FieldPadding.trimmed("\n1\n") == "\n1\n")
    }
}
