import Testing

/// Expects `observed` within `tolerance` of `expected` (absolute), printing the input, the expected
/// and the observed value when it is not.
func expectClose(
    _ observed: Double, _ expected: Double, tolerance: Double, _ input: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let difference = abs(observed - expected)
    #expect(
        difference <= tolerance && observed.isFinite,
        "input: \(input()); expected \(expected) +- \(tolerance), observed \(observed) (off by \(difference))",
        sourceLocation: sourceLocation)
}

/// Float overload of `expectClose`.
func expectClose(
    _ observed: Float, _ expected: Float, tolerance: Float, _ input: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose(
        Double(observed), Double(expected), tolerance: Double(tolerance), input(), sourceLocation: sourceLocation)
}

/// Expects every element of `observed` within `tolerance` of the matching element of `expected`,
/// reporting the first that is not.
func expectAllClose(
    _ observed: [Float], _ expected: [Float], tolerance: Float, _ input: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(observed.count == expected.count, "input: \(input()); lengths differ", sourceLocation: sourceLocation)
    for index in 0..<min(observed.count, expected.count) {
        let difference = abs(observed[index] - expected[index])
        if !(difference <= tolerance) {
            let message =
                "input: \(input()); element \(index): expected \(expected[index]) +- \(tolerance), "
                + "observed \(observed[index])"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
            return
        }
    }
}
