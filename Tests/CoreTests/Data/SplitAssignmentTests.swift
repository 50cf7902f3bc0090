import Testing

@testable import Core

@Suite struct SplitAssignmentTests {
    @Test func splits_givesEachClassItsRoundedShareAndRepeatsForASeed() {
        let labels = (0..<90).map { $0 % 3 } + Array(repeating: 3, count: 7)
        let splits = SplitAssignment.splits(labels: labels, validationFraction: 0.1, testFraction: 0.2, seed: 42)

        for label in 0..<3 {
            let ofClass = labels.indices.filter { labels[$0] == label }.map { splits[$0] }
            #expect(ofClass.count { $0 == .test } == 6, "class \(label): 30 x 0.2")
            #expect(ofClass.count { $0 == .validation } == 3, "class \(label): 30 x 0.1")
        }
        let small = labels.indices.filter { labels[$0] == 3 }.map { splits[$0] }
        #expect(
            small.count { $0 == .test } == 1 && small.count { $0 == .validation } == 1, "7 x 0.2 and 7 x 0.1, rounded")
        #expect(SplitAssignment.splits(labels: labels, validationFraction: 0.1, testFraction: 0.2, seed: 42) == splits)
        #expect(SplitAssignment.splits(labels: labels, validationFraction: 0.1, testFraction: 0.2, seed: 43) != splits)
    }
}
