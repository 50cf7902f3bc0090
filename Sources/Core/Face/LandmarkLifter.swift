import Foundation

/// Lifts 68 detected 2D landmarks to 3D by fitting the keypoint rows of the 3DDFA morphable model under a
/// weak-perspective (scaled orthographic) camera.
///
/// This stands in for the FAN-3D network the GLaRE paper uses: FAN-3D regresses depth from pixels, while
/// this fit infers it from the 2D shape alone, so the depths are the model's best explanation of the
/// points, not a measurement.
///
/// The camera maps a model point X (3-vector, model frame: x right, y up, z towards the viewer) to the
/// image as `q = s * R2 * X + t`, where q is (x, -y) in pixels (y flipped so both frames are
/// right-handed), R2 is the first two rows of a rotation R, s a scale and t a 2D offset. The face is
/// `X = mean + B * c`, B the chosen identity and expression columns, each rescaled so that c has a
/// standard-normal prior. The fit alternates:
///
/// 1. pose: the least-squares affine camera P (2x3) for the centred points, its nearest pair of
///    orthonormal rows R2 = (P P^T)^(-1/2) P, then the best s and t for that R2;
/// 2. shape: ridge regression for c, minimising `|q - t - s R2 (mean + B c)|^2 + lambda |c|^2` with
///    `lambda = (s * noise)^2`, the landmark noise expressed in model units.
///
/// Output: x and y are the detected points unchanged; z is the fitted point's depth in the same pixel
/// scale, `z = -s * (r3 . X)` with r3 = r1 x r2, minus the mean over the 68 points. So (x right, y down,
/// z away from the camera) is right-handed and a smaller z is nearer the camera: the nose tip has a
/// negative z on a frontal face and the jaw corners a positive one.
public struct LandmarkLifter: Sendable {
    /// The result of one fit.
    public struct Fit: Sendable {
        /// Pixels per model unit.
        public var scale: Double
        /// The rotation, row-major 3x3; rows 0 and 1 are R2, row 2 is r1 x r2.
        public var rotation: [Double]
        /// The 2D offset, in the y-up image frame.
        public var translation: (x: Double, y: Double)
        /// The standardised model coefficients, identity first then expression.
        public var coefficients: [Double]
        /// The fitted 3D points in model units, 204 values.
        public var modelPoints: [Double]
        /// Root-mean-square distance, in pixels, between the detected points and the projected fit.
        public var residual: Double
    }

    /// The morphable model fitted.
    public let model: MorphableModel
    /// Pose-shape alternations.
    public var iterations: Int
    /// The prior standard deviation of each component's effect, as a fraction of the model face's
    /// root-mean-square radius: a unit coefficient moves the 68 points by this much on average.
    public var priorDeviation: Double
    /// The assumed landmark noise per coordinate, as a fraction of the model face's radius.
    public var landmarkNoise: Double

    private let basis: [Double]
    private let componentCount: Int
    private let radius: Double

    /// Prepares a lifter for `model`.
    public init(model: MorphableModel, iterations: Int = 4, priorDeviation: Double = 0.05, landmarkNoise: Double = 0.03)
    {
        self.model = model
        self.iterations = iterations
        self.priorDeviation = priorDeviation
        self.landmarkNoise = landmarkNoise

        let centroid = Self.centroid(of: model.mean)
        radius =
            (0..<68).reduce(0.0) { total, point in
                total
                    + (0..<3).reduce(0.0) { sum, axis in
                        let offset = model.mean[point * 3 + axis] - centroid[axis]
                        return sum + offset * offset
                    }
            }.squareRoot() / Double(68).squareRoot()

        // One 204 x K basis, identity then expression, each column rescaled to an RMS effect of
        // priorDeviation * radius per coordinate.
        componentCount = model.shapeCount + model.expressionCount
        var combined = [Double](repeating: 0, count: 204 * componentCount)
        for component in 0..<componentCount {
            let isShape = component < model.shapeCount
            let source = isShape ? model.shapeBasis : model.expressionBasis
            let columns = isShape ? model.shapeCount : model.expressionCount
            let column = isShape ? component : component - model.shapeCount
            var squares = 0.0
            for row in 0..<204 { squares += source[row * columns + column] * source[row * columns + column] }
            let factor = squares > 0 ? priorDeviation * radius * Double(204).squareRoot() / squares.squareRoot() : 0
            for row in 0..<204 { combined[row * componentCount + component] = source[row * columns + column] * factor }
        }
        basis = combined
    }

    /// 68 points of (x, y, z), 204 values, from 68 detected points (x0, y0, x1, y1, ..., 136 values).
    public func lift(_ points: [Float]) -> [Float] {
        let fit = fit(points)
        var depths = [Double](repeating: 0, count: 68)
        for point in 0..<68 {
            var toward = 0.0
            for axis in 0..<3 { toward += fit.rotation[6 + axis] * fit.modelPoints[point * 3 + axis] }
            depths[point] = -fit.scale * toward
        }
        let meanDepth = depths.reduce(0, +) / 68

        var result = [Float](repeating: 0, count: 204)
        for point in 0..<68 {
            result[point * 3] = points[point * 2]
            result[point * 3 + 1] = points[point * 2 + 1]
            result[point * 3 + 2] = Float(depths[point] - meanDepth)
        }
        return result
    }

    /// Fits pose and coefficients to 68 detected points (136 values, image pixels, y down).
    public func fit(_ points: [Float]) -> Fit {
        precondition(points.count == 136, "68 points of (x, y)")
        // Observations in the y-up frame.
        var observed = [Double](repeating: 0, count: 136)
        for point in 0..<68 {
            observed[point * 2] = Double(points[point * 2])
            observed[point * 2 + 1] = -Double(points[point * 2 + 1])
        }

        var coefficients = [Double](repeating: 0, count: componentCount)
        var shape = model.mean
        var pose = estimatePose(observed: observed, shape: shape)
        for _ in 0..<iterations {
            coefficients = solveCoefficients(observed: observed, pose: pose)
            shape = modelPoints(coefficients)
            pose = estimatePose(observed: observed, shape: shape)
        }

        var squares = 0.0
        for point in 0..<68 {
            for row in 0..<2 {
                var projected = row == 0 ? pose.translation.x : pose.translation.y
                for axis in 0..<3 { projected += pose.scale * pose.rotation[row * 3 + axis] * shape[point * 3 + axis] }
                let difference = observed[point * 2 + row] - projected
                squares += difference * difference
            }
        }
        return Fit(
            scale: pose.scale, rotation: pose.rotation, translation: pose.translation, coefficients: coefficients,
            modelPoints: shape, residual: (squares / 68).squareRoot())
    }

    private struct Pose {
        var scale: Double
        var rotation: [Double]
        var translation: (x: Double, y: Double)
    }

    private func modelPoints(_ coefficients: [Double]) -> [Double] {
        var shape = model.mean
        for row in 0..<204 {
            var offset = 0.0
            for component in 0..<componentCount {
                offset += basis[row * componentCount + component] * coefficients[component]
            }
            shape[row] += offset
        }
        return shape
    }

    private static func centroid(of values: [Double], dimensions: Int = 3) -> [Double] {
        var sums = [Double](repeating: 0, count: dimensions)
        for index in 0..<values.count { sums[index % dimensions] += values[index] }
        return sums.map { $0 / Double(values.count / dimensions) }
    }

    private func estimatePose(observed: [Double], shape: [Double]) -> Pose {
        let observedCentre = Self.centroid(of: observed, dimensions: 2)
        let shapeCentre = Self.centroid(of: shape)

        // Normal equations of the affine camera: P = (Q^T X)(X^T X)^-1 on centred points.
        var modelMoments = [Double](repeating: 0, count: 9)
        var crossMoments = [Double](repeating: 0, count: 6)
        for point in 0..<68 {
            let centred = (0..<3).map { shape[point * 3 + $0] - shapeCentre[$0] }
            for row in 0..<3 {
                for column in 0..<3 { modelMoments[row * 3 + column] += centred[row] * centred[column] }
            }
            for row in 0..<2 {
                let target = observed[point * 2 + row] - observedCentre[row]
                for column in 0..<3 { crossMoments[row * 3 + column] += target * centred[column] }
            }
        }
        let inverseMoments = SmallMatrix.inverse3x3(modelMoments)
        var affine = [Double](repeating: 0, count: 6)
        for row in 0..<2 {
            for column in 0..<3 {
                for inner in 0..<3 {
                    affine[row * 3 + column] += crossMoments[row * 3 + inner] * inverseMoments[inner * 3 + column]
                }
            }
        }

        // The nearest orthonormal pair of rows: (P P^T)^(-1/2) P.
        let rows = SmallMatrix.orthonormalRows(affine)
        let third = [
            rows[1] * rows[5] - rows[2] * rows[4],
            rows[2] * rows[3] - rows[0] * rows[5],
            rows[0] * rows[4] - rows[1] * rows[3],
        ]
        let rotation = rows + third

        // The best scale for that rotation, then the offset.
        var numerator = 0.0
        var denominator = 0.0
        for point in 0..<68 {
            for row in 0..<2 {
                var projected = 0.0
                for axis in 0..<3 {
                    projected += rotation[row * 3 + axis] * (shape[point * 3 + axis] - shapeCentre[axis])
                }
                numerator += (observed[point * 2 + row] - observedCentre[row]) * projected
                denominator += projected * projected
            }
        }
        let scale = denominator > 0 ? max(numerator / denominator, 1e-12) : 1e-12
        var offset = [0.0, 0.0]
        for row in 0..<2 {
            var projected = 0.0
            for axis in 0..<3 { projected += rotation[row * 3 + axis] * shapeCentre[axis] }
            offset[row] = observedCentre[row] - scale * projected
        }
        return Pose(scale: scale, rotation: rotation, translation: (offset[0], offset[1]))
    }

    private func solveCoefficients(observed: [Double], pose: Pose) -> [Double] {
        let count = componentCount
        var normal = [Double](repeating: 0, count: count * count)
        var rightSide = [Double](repeating: 0, count: count)
        var designRow = [Double](repeating: 0, count: count)
        for point in 0..<68 {
            for row in 0..<2 {
                // One row of the design matrix: s * R2[row] applied to the point's three basis rows.
                var target = observed[point * 2 + row] - (row == 0 ? pose.translation.x : pose.translation.y)
                for axis in 0..<3 {
                    target -= pose.scale * pose.rotation[row * 3 + axis] * model.mean[point * 3 + axis]
                }
                for component in 0..<count {
                    var value = 0.0
                    for axis in 0..<3 {
                        value += pose.rotation[row * 3 + axis] * basis[(point * 3 + axis) * count + component]
                    }
                    designRow[component] = pose.scale * value
                }
                for first in 0..<count {
                    rightSide[first] += designRow[first] * target
                    for second in first..<count {
                        normal[first * count + second] += designRow[first] * designRow[second]
                    }
                }
            }
        }
        let noise = pose.scale * landmarkNoise * radius
        for first in 0..<count {
            normal[first * count + first] += noise * noise
            for second in 0..<first { normal[first * count + second] = normal[second * count + first] }
        }
        return SmallMatrix.solveSymmetricPositiveDefinite(normal, rightSide, size: count)
            ?? [Double](repeating: 0, count: count)
    }
}
