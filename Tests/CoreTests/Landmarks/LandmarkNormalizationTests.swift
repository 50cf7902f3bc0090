import Testing

@testable import Core

@Suite struct LandmarkNormalizationTests {
    @Test func interOcular_centresOnCentroid_andMakesEyeCornerDistanceOne() {
        var faces = LandmarkTestFaces.synthetic(count: 3)
        LandmarkNormalization.interOcular.apply(to: &faces, count: 3)

        for sample in 0..<3 {
            let offset = sample * 204
            let centroid = LandmarkTestFaces.centroid(faces, offset: offset)
            for axis in 0..<3 { expectClose(centroid[axis], 0, tolerance: 1e-5, "sample \(sample) axis \(axis)") }
            expectClose(
                LandmarkTestFaces.distance(faces, 36, 45, offset: offset), 1, tolerance: 1e-5, "sample \(sample)")
        }
    }

    @Test func interOcular_isInvariantToTranslationAndScaleOfInput() {
        let face = LandmarkTestFaces.synthetic(count: 1)
        var moved = face.enumerated().map { index, value in value * 3.5 + [120, -40, 7][index % 3] }
        var original = face
        LandmarkNormalization.interOcular.apply(to: &original, count: 1)
        LandmarkNormalization.interOcular.apply(to: &moved, count: 1)

        expectAllClose(moved, original, tolerance: 1e-4, "face scaled by 3.5 and moved by (120, -40, 7)")
    }

    @Test func rootMeanSquareRadius_centresAndGivesUnitRadius() {
        var face = LandmarkTestFaces.synthetic(count: 1)
        LandmarkNormalization.rootMeanSquareRadius.apply(to: &face, count: 1)

        let centroid = LandmarkTestFaces.centroid(face)
        for axis in 0..<3 { expectClose(centroid[axis], 0, tolerance: 1e-5, "axis \(axis)") }
        let meanSquare = face.reduce(0) { $0 + $1 * $1 } / 68
        expectClose(meanSquare.squareRoot(), 1, tolerance: 1e-5, "rms radius after normalisation")
    }

    @Test func rootMeanSquareRadius_isInvariantToTranslationAndScaleOfInput() {
        let face = LandmarkTestFaces.synthetic(count: 1, seed: 5)
        var moved = face.enumerated().map { index, value in value * 0.25 + [-3, 900, 1][index % 3] }
        var original = face
        LandmarkNormalization.rootMeanSquareRadius.apply(to: &original, count: 1)
        LandmarkNormalization.rootMeanSquareRadius.apply(to: &moved, count: 1)

        expectAllClose(moved, original, tolerance: 1e-4, "face scaled by 0.25 and moved by (-3, 900, 1)")
    }

    @Test(arguments: LandmarkNormalization.allCases)
    func apply_whenAllPointsCoincide_givesZerosNotNaN(normalization: LandmarkNormalization) {
        var face = [Float](repeating: 0, count: 204)
        for index in face.indices { face[index] = [10, 20, 30][index % 3] }
        normalization.apply(to: &face, count: 1)

        #expect(face.allSatisfy { $0 == 0 }, "\(normalization): \(face.prefix(6))")
    }

    @Test func interOcular_whenEyeCornersCoincide_fallsBackToRadiusWithoutNaN() {
        var face = LandmarkTestFaces.mean
        for axis in 0..<3 { face[45 * 3 + axis] = face[36 * 3 + axis] }
        var expected = face
        LandmarkNormalization.interOcular.apply(to: &face, count: 1)
        LandmarkNormalization.rootMeanSquareRadius.apply(to: &expected, count: 1)

        #expect(face.allSatisfy { $0.isFinite })
        expectAllClose(face, expected, tolerance: 1e-6, "eye corners 36 and 45 at the same place")
    }

    @Test func apply_normalisesEachFaceOnItsOwn() {
        let faces = LandmarkTestFaces.synthetic(count: 4)
        var together = faces
        LandmarkNormalization.interOcular.apply(to: &together, count: 4)

        for sample in 0..<4 {
            var alone = Array(faces[sample * 204..<(sample + 1) * 204])
            LandmarkNormalization.interOcular.apply(to: &alone, count: 1)
            expectAllClose(Array(together[sample * 204..<(sample + 1) * 204]), alone, tolerance: 0, "sample \(sample)")
        }
    }
}
