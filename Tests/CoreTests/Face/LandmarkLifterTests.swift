import Foundation
import Testing

@testable import Core

@Suite("LandmarkLifter")
struct LandmarkLifterTests {
    /// A rotation about y (yaw) then x (pitch), row-major.
    static func rotation(yawDegrees: Double, pitchDegrees: Double) -> [Double] {
        let yaw = yawDegrees * .pi / 180, pitch = pitchDegrees * .pi / 180
        let aroundY = [cos(yaw), 0, sin(yaw), 0, 1, 0, -sin(yaw), 0, cos(yaw)]
        let aroundX = [1, 0, 0, 0, cos(pitch), -sin(pitch), 0, sin(pitch), cos(pitch)]
        var product = [Double](repeating: 0, count: 9)
        for row in 0..<3 {
            for column in 0..<3 {
                for inner in 0..<3 {
                    product[row * 3 + column] += aroundX[row * 3 + inner] * aroundY[inner * 3 + column]
                }
            }
        }
        return product
    }

    @Test func model_keypointRowsMatchNumpy() throws {
        // Reference values printed by numpy: w_shp_sim[keypoints][0, :3] and w_exp_sim[keypoints][1, :3]
        // (both files are stored in Fortran order).
        let model = try MorphableModel.shared()
        let shapeRow = Array(model.shapeBasis[0..<3])
        let expressionRow = Array(model.expressionBasis[model.expressionCount..<model.expressionCount + 3])
        for (observed, expected) in zip(shapeRow, [-0.0033327, 0.00140211, 0.0019539]) {
            expectClose(observed, expected, tolerance: 1e-7, "w_shp_sim keypoint row 0")
        }
        for (observed, expected) in zip(expressionRow, [-0.20378883, -0.03105184, -0.08500335]) {
            expectClose(observed, expected, tolerance: 1e-6, "w_exp_sim keypoint row 1")
        }
    }

    @Test func locate_whenNoFolderHoldsTheModel_namesEveryFolderAndTheFetchScript() {
        let folders = [URL(fileURLWithPath: "/nonexistent/first"), URL(fileURLWithPath: "/nonexistent/second")]
        do {
            _ = try MorphableModel.locate(searching: folders)
            Issue.record("a missing model was located")
        } catch let error as FaceError {
            #expect(error.kind == .morphableModelMissing)
            #expect(error.detail.contains("/nonexistent/first") && error.detail.contains("/nonexistent/second"))
            #expect(error.detail.contains("scripts/fetch-fixtures"), "\(error.detail)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: [(0.0, 0.0), (25.0, 10.0), (-35.0, -5.0)])
    func lift_whenPointsAreAProjectedModelFace_recoversTheirDepth(yaw: Double, pitch: Double) throws {
        let model = try MorphableModel.shared()
        let lifter = LandmarkLifter(model: model)
        let rotation = Self.rotation(yawDegrees: yaw, pitchDegrees: pitch)
        let scale = 0.002

        // Project the mean face: image x = s r1.X + 300, image y = -(s r2.X) + 250; depth = -s r3.X.
        var points = [Float](repeating: 0, count: 136)
        var depths = [Double](repeating: 0, count: 68)
        for point in 0..<68 {
            let vertex = (0..<3).map { model.mean[point * 3 + $0] }
            let projected = (0..<3).map { row in (0..<3).reduce(0.0) { $0 + rotation[row * 3 + $1] * vertex[$1] } }
            points[point * 2] = Float(scale * projected[0] + 300)
            points[point * 2 + 1] = Float(-scale * projected[1] + 250)
            depths[point] = -scale * projected[2]
        }
        let meanDepth = depths.reduce(0, +) / 68

        let lifted = lifter.lift(points)
        let interOcular = FaceNumerics.interOcular(points, stride: 2)
        var worst = 0.0
        for point in 0..<68 {
            #expect(lifted[point * 3] == points[point * 2] && lifted[point * 3 + 1] == points[point * 2 + 1])
            worst = max(worst, abs(Double(lifted[point * 3 + 2]) - (depths[point] - meanDepth)))
        }
        FaceNumerics.expectBelow(
            worst / interOcular, 0.05, "yaw \(yaw) pitch \(pitch): worst depth error / eye distance")
        FaceNumerics.expectBelow(lifter.fit(points).residual / interOcular, 0.01, "yaw \(yaw): fit residual")
    }

    @Test func fit_onDetectedFace_explainsThePointsClosely() throws {
        let landmarker = try FaceLandmarker()
        let faces = try landmarker.faces(inImageAt: FaceFixtures.photo("0-f1-su-ph.jpg"))
        let face = try #require(faces.faces.first)
        let points = (0..<68).flatMap { [face.landmarks[$0 * 3], face.landmarks[$0 * 3 + 1]] }
        let fit = landmarker.lifter.fit(points)
        let relative = fit.residual / FaceNumerics.interOcular(face.landmarks)
        print("0-f1-su-ph.jpg: fit residual \(fit.residual) px, \(relative) of the eye distance")
        FaceNumerics.expectBelow(relative, 0.08, "fit residual / eye distance")
        #expect(fit.coefficients.allSatisfy { abs($0) < 5 }, "standardised coefficients \(fit.coefficients)")
    }

    @Test func solveSymmetricPositiveDefinite_solvesAKnownSystem() throws {
        // [[4, 2], [2, 3]] x = [10, 8] has x = [1.75, 1.5].
        let solution = try #require(SmallMatrix.solveSymmetricPositiveDefinite([4, 2, 2, 3], [10, 8], size: 2))
        expectClose(solution[0], 1.75, tolerance: 1e-12, "x0")
        expectClose(solution[1], 1.5, tolerance: 1e-12, "x1")
        #expect(SmallMatrix.solveSymmetricPositiveDefinite([1, 2, 2, 1], [1, 1], size: 2) == nil)
    }

    @Test func orthonormalRows_whenGivenAScaledRotation_returnsTheRotation() {
        let rotation = Self.rotation(yawDegrees: 30, pitchDegrees: -20)
        let scaled = rotation[0..<6].map { $0 * 3.5 }
        let rows = SmallMatrix.orthonormalRows(Array(scaled))
        for index in 0..<6 {
            expectClose(rows[index], rotation[index], tolerance: 1e-12, "rotation entry \(index)")
        }
    }
}
