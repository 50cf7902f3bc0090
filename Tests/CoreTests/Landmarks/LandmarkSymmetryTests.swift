import Testing

@testable import Core

@Suite struct LandmarkSymmetryTests {
    @Test func mirrorPartner_isAnInvolution() {
        let partner = LandmarkSymmetry.mirrorPartner
        #expect(partner.count == 68)
        for index in 0..<68 { #expect(partner[partner[index]] == index, "point \(index) -> \(partner[index])") }
    }

    @Test func mirrorPartner_fixesExactlyTheMidlinePoints() {
        let fixed = (0..<68).filter { LandmarkSymmetry.mirrorPartner[$0] == $0 }
        #expect(fixed == [8, 27, 28, 29, 30, 33, 51, 57, 62, 66])
    }

    @Test func mirrorPartner_pairsNamedPoints() {
        let partner = LandmarkSymmetry.mirrorPartner
        let expected = [
            (0, 16), (7, 9), (17, 26), (21, 22), (36, 45), (39, 42), (37, 44), (41, 46), (31, 35), (32, 34),
            (48, 54), (55, 59), (60, 64), (61, 63), (65, 67),
        ]
        for (left, right) in expected { #expect(partner[left] == right, "\(left) should pair with \(right)") }
    }

    /// The morphable model's mean face is close to symmetric, so mirroring it must land every point
    /// within a millimetre or two of where it was; a wrong pair (say 40 with 46) moves points by
    /// centimetres.
    @Test func mirror_ofTheNearlySymmetricMeanFace_givesTheSameFace() {
        var mirrored = LandmarkTestFaces.mean
        LandmarkSymmetry.mirror(&mirrored, offset: 0)

        expectAllClose(mirrored, LandmarkTestFaces.mean, tolerance: 1.5, "mean face, millimetres")
    }

    @Test func mirror_ofAnExactlySymmetricFace_givesTheSameFace() {
        var face = LandmarkTestFaces.mean
        LandmarkSymmetry.mirror(&face, offset: 0)
        let symmetric = zip(face, LandmarkTestFaces.mean).map { ($0 + $1) / 2 }
        var mirrored = symmetric
        LandmarkSymmetry.mirror(&mirrored, offset: 0)

        expectAllClose(mirrored, symmetric, tolerance: 1e-4, "mean face averaged with its mirror image")
    }

    @Test func mirror_twice_givesBackTheFace_andKeepsTheCentroid() {
        let original = LandmarkTestFaces.synthetic(count: 2)
        var faces = original
        LandmarkSymmetry.mirror(&faces, offset: 204)
        let centroidBefore = LandmarkTestFaces.centroid(original, offset: 204)
        let centroidAfter = LandmarkTestFaces.centroid(faces, offset: 204)
        for axis in 0..<3 { expectClose(centroidAfter[axis], centroidBefore[axis], tolerance: 1e-3, "axis \(axis)") }
        #expect(faces[0..<204] == original[0..<204], "the other face must not change")

        LandmarkSymmetry.mirror(&faces, offset: 204)
        expectAllClose(faces, original, tolerance: 1e-3, "synthetic faces in pixels")
    }
}
