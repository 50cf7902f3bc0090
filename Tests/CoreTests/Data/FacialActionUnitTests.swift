import Testing

@testable import Core

@Suite struct FacialActionUnitTests {
    /// The mean face made exactly symmetric (averaged with its mirror image).
    private static let symmetricFace: [Float] = {
        var mirrored = FaceShapeBasis.mean
        LandmarkSymmetry.mirror(&mirrored, offset: 0)
        return zip(mirrored, FaceShapeBasis.mean).map { ($0 + $1) / 2 }
    }()

    private static func movedPoints(_ before: [Float], _ after: [Float]) -> Set<Int> {
        Set((0..<68).filter { point in (0..<3).contains { before[point * 3 + $0] != after[point * 3 + $0] } })
    }

    @Test(arguments: FacialActionUnit.allCases)
    func apply_onBothSides_keepsASymmetricFaceSymmetric(unit: FacialActionUnit) {
        var face = Self.symmetricFace
        unit.apply(to: &face, offset: 0, intensity: 1, scale: 1)
        var mirrored = face
        LandmarkSymmetry.mirror(&mirrored, offset: 0)

        #expect(face != Self.symmetricFace, "AU\(unit.rawValue) moved nothing")
        expectAllClose(mirrored, face, tolerance: 1e-4, "AU\(unit.rawValue) on the symmetric mean face")
    }

    @Test(arguments: FacialActionUnit.allCases)
    func apply_onOneSide_movesNothingOnTheOtherSide(unit: FacialActionUnit) {
        var face = Self.symmetricFace
        unit.apply(to: &face, offset: 0, intensity: 1, scale: 1, side: .imageLeft)

        for point in Self.movedPoints(Self.symmetricFace, face) {
            #expect(Self.symmetricFace[point * 3] <= 1e-3, "AU\(unit.rawValue) moved point \(point) on the right half")
        }
    }

    @Test func apply_scalesLinearlyWithIntensityAndFaceSize() {
        var once = FaceShapeBasis.mean
        var scaled = FaceShapeBasis.mean
        FacialActionUnit.jawDrop.apply(to: &once, offset: 0, intensity: 0.5, scale: 1)
        FacialActionUnit.jawDrop.apply(to: &scaled, offset: 0, intensity: 0.25, scale: 2)
        expectAllClose(scaled, once, tolerance: 1e-5, "jaw drop at 0.5 x 1 against 0.25 x 2")

        let chinDrop = once[8 * 3 + 1] - FaceShapeBasis.mean[8 * 3 + 1]
        #expect(chinDrop < -1, "the chin goes down by millimetres; observed \(chinDrop)")
    }

    @Test func moves_touchTheLandmarksNamedForEachUnit() {
        let expected: [FacialActionUnit: Set<Int>] = [
            .innerBrowRaiser: [21, 22], .outerBrowRaiser: [17, 26], .browLowerer: [21, 22], .upperLidRaiser: [37, 44],
            .cheekRaiser: [41, 46], .lidTightener: [40, 47], .noseWrinkler: [31, 33, 35], .lipCornerPuller: [48, 54],
            .dimpler: [48, 54], .lipCornerDepressor: [48, 54], .lowerLipDepressor: [57], .lipStretcher: [48, 54],
            .lipTightener: [48, 54], .jawDrop: [8, 57],
        ]
        for unit in FacialActionUnit.allCases {
            var face = FaceShapeBasis.mean
            unit.apply(to: &face, offset: 0, intensity: 1, scale: 1)
            let moved = Self.movedPoints(FaceShapeBasis.mean, face)
            #expect(expected[unit, default: []].isSubset(of: moved), "AU\(unit.rawValue) moved \(moved.sorted())")
        }
    }

    @Test func prototypes_useTheirFACSUnits() {
        let units = { (expression: SyntheticExpression) in expression.prototype.map(\.unit.rawValue) }
        #expect(units(.neutral) == [])
        #expect(units(.happy) == [6, 12])
        #expect(units(.sad) == [1, 4, 15])
        #expect(units(.surprise) == [1, 2, 5, 26])
        #expect(units(.fear) == [1, 2, 4, 5, 7, 20, 26])
        #expect(units(.disgust) == [9, 15, 16])
        #expect(units(.anger) == [4, 5, 7, 23])
        #expect(units(.contempt) == [12, 14])
        let unilateral = SyntheticExpression.allCases.filter { $0.prototype.contains { $0.unilateral } }
        #expect(unilateral == [.contempt])
        #expect(SyntheticExpression.contempt.prototype.allSatisfy { $0.unilateral })
    }
}
