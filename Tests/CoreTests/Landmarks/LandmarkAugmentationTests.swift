import Testing

@testable import Core

@Suite struct LandmarkAugmentationTests {
    private func normalisedFaces(_ count: Int) -> [Float] {
        var faces = LandmarkTestFaces.synthetic(count: count)
        LandmarkNormalization.interOcular.apply(to: &faces, count: count)
        return faces
    }

    @Test func none_leavesFacesAndGeneratorUntouched() {
        let original = normalisedFaces(3)
        var faces = original
        var generator = Core.SeededGenerator(seed: 9)
        LandmarkAugmentation.none.apply(to: &faces, count: 3, generator: &generator)

        #expect(faces == original)
        #expect(generator == Core.SeededGenerator(seed: 9))
    }

    @Test func rotateInPlane_preservesEveryPairwiseDistance() {
        let original = normalisedFaces(1)
        var rotated = original
        LandmarkAugmentation.rotateInPlane(&rotated, offset: 0, radians: 0.4)

        for first in stride(from: 0, to: 68, by: 5) {
            for second in stride(from: first + 1, to: 68, by: 7) {
                expectClose(
                    LandmarkTestFaces.distance(rotated, first, second),
                    LandmarkTestFaces.distance(original, first, second),
                    tolerance: 1e-5, "points \(first) and \(second)")
            }
        }
        #expect(rotated != original)
    }

    @Test func rotateInPlane_byQuarterTurn_mapsXToY_andKeepsZ() {
        let original = normalisedFaces(1)
        var rotated = original
        LandmarkAugmentation.rotateInPlane(&rotated, offset: 0, radians: .pi / 2)

        for point in [0, 30, 45] {
            let before = LandmarkTestFaces.point(original, point)
            let after = LandmarkTestFaces.point(rotated, point)
            expectClose(after.x, -before.y, tolerance: 1e-5, "point \(point) x")
            expectClose(after.y, before.x, tolerance: 1e-5, "point \(point) y")
            expectClose(after.z, before.z, tolerance: 0, "point \(point) z")
        }
    }

    @Test func scale_multipliesDistancesByTheFactor() {
        let original = normalisedFaces(1)
        var scaled = original
        LandmarkAugmentation.scale(&scaled, offset: 0, by: 1.07)

        expectClose(LandmarkTestFaces.distance(scaled, 36, 45), 1.07, tolerance: 1e-5, "eye corners after 1.07")
        expectClose(
            LandmarkTestFaces.distance(scaled, 8, 27), 1.07 * LandmarkTestFaces.distance(original, 8, 27),
            tolerance: 1e-5, "chin to nasion")
    }

    @Test func apply_withTheSameSeed_repeatsExactly_andAnotherSeedDiffers() {
        let augmentation = LandmarkAugmentation(
            mirrorProbability: 0.5, maximumRotationDegrees: 15, maximumScaleChange: 0.1, noiseStandardDeviation: 0.02)
        var first = normalisedFaces(8)
        var second = first
        var third = first
        var generatorA = Core.SeededGenerator(seed: 3)
        var generatorB = Core.SeededGenerator(seed: 3)
        var generatorC = Core.SeededGenerator(seed: 4)
        augmentation.apply(to: &first, count: 8, generator: &generatorA)
        augmentation.apply(to: &second, count: 8, generator: &generatorB)
        augmentation.apply(to: &third, count: 8, generator: &generatorC)

        #expect(first == second)
        #expect(generatorA == generatorB)
        #expect(first != third)
    }

    @Test func apply_withMirrorOnly_alwaysMirrors() {
        let original = normalisedFaces(2)
        var faces = original
        var generator = Core.SeededGenerator(seed: 1)
        let mirrorOnly = LandmarkAugmentation(
            mirrorProbability: 1, maximumRotationDegrees: 0, maximumScaleChange: 0, noiseStandardDeviation: 0)
        mirrorOnly.apply(to: &faces, count: 2, generator: &generator)

        var expected = original
        LandmarkSymmetry.mirror(&expected, offset: 0)
        LandmarkSymmetry.mirror(&expected, offset: 204)
        #expect(faces == expected)
    }

    @Test func apply_withNoiseOnly_addsNoiseOfTheSetSpread() {
        let count = 200
        let original = normalisedFaces(count)
        var faces = original
        var generator = Core.SeededGenerator(seed: 77)
        let noiseOnly = LandmarkAugmentation(
            mirrorProbability: 0, maximumRotationDegrees: 0, maximumScaleChange: 0, noiseStandardDeviation: 0.03)
        noiseOnly.apply(to: &faces, count: count, generator: &generator)

        let differences = zip(faces, original).map { Double($0 - $1) }
        let mean = differences.reduce(0, +) / Double(differences.count)
        let variance = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(differences.count)
        expectClose(mean, 0, tolerance: 0.001, "mean of \(differences.count) noise values")
        expectClose(variance.squareRoot(), 0.03, tolerance: 0.0015, "spread of \(differences.count) noise values")
    }

    @Test func apply_keepsEveryValueFinite_andTheCentroidNearZero() {
        var faces = normalisedFaces(50)
        var generator = Core.SeededGenerator(seed: 12)
        LandmarkAugmentation().apply(to: &faces, count: 50, generator: &generator)

        #expect(faces.allSatisfy { $0.isFinite })
        for sample in 0..<50 {
            let centroid = LandmarkTestFaces.centroid(faces, offset: sample * 204)
            for axis in 0..<2 { expectClose(centroid[axis], 0, tolerance: 0.01, "sample \(sample) axis \(axis)") }
        }
    }
}
