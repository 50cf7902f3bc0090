#if canImport(Glibc)
    import Glibc
#endif

/// The embedded synthetic dataset (`builtin:synthetic`): 3D 68-point faces with labelled
/// expressions, generated from a seed with nothing downloaded.
///
/// It is synthetic: its faces come from hand-set action-unit displacements on a morphable-model
/// face, so a model's accuracy on it is evidence that the code learns, never evidence about
/// GLaRE's accuracy on real faces.
///
/// Each sample, with its own generator derived from (seed, index):
/// 1. identity: `FaceShapeBasis.mean + sum_k z_k * sd_k * direction_k`, z_k ~ N(0, 1) clipped to
///    +-3 and scaled by `identitySpread`, millimetres;
/// 2. expression: the class's FACS prototype (`SyntheticExpression`), every unit at the sample's
///    intensity (uniform in `intensityRange`) times its prototype weight times a per-unit jitter,
///    plus one unrelated unit at up to `distractorIntensity`, so classes overlap a little;
/// 3. landmark noise: N(0, `noiseMillimetres`^2) on every coordinate;
/// 4. head pose: yaw, pitch and roll uniform within `maximumYawDegrees` and the like, about
///    the face's centroid;
/// 5. image-like coordinates: x right and y down in pixels, the inter-ocular distance uniform
///    in `interOcularPixels`, the centroid uniform in `centerPixels` on both axes; z away from the
///    camera in the same pixel scale: the right-handed image frame `FaceLandmarker` uses, so
///    synthetic and detected faces agree in sign.
///
/// Labels are balanced (sample i has class i mod classCount); sources are `synthetic:<index>`.
/// Sample i does not depend on the total count, so a smaller set is a prefix of a larger one.
public enum SyntheticExpressionDataset {
    /// AffectNet's eight expression classes, in its label order.
    public static let classNames = SyntheticExpression.allCases.map(\.name)

    /// Generates `samples` faces with seed `seed` and the standard options.
    public static func make(samples: Int, seed: UInt64) -> LandmarkDataset {
        make(samples: samples, seed: seed, options: .standard)
    }

    /// Generates `samples` faces with seed `seed` and `options`.
    public static func make(samples: Int, seed: UInt64, options: Options) -> LandmarkDataset {
        precondition(samples >= 0, "negative sample count")
        let expressions = SyntheticExpression.allCases.filter { options.includesContempt || $0 != .contempt }
        var landmarks = [Float](repeating: 0, count: samples * LandmarkDataset.valuesPerSample)
        var labels: [Int] = []
        labels.reserveCapacity(samples)
        let meanInterOcular = interOcularDistance(FaceShapeBasis.mean, offset: 0)

        var face = [Float](repeating: 0, count: LandmarkDataset.valuesPerSample)
        for index in 0..<samples {
            var generator = SeededGenerator(seed: sampleSeed(seed, index))
            let label = index % expressions.count
            buildFace(
                into: &face, expression: expressions[label], options: options, meanInterOcular: meanInterOcular,
                generator: &generator)
            let start = index * LandmarkDataset.valuesPerSample
            landmarks.replaceSubrange(start..<start + LandmarkDataset.valuesPerSample, with: face)
            labels.append(label)
        }

        return LandmarkDataset(
            classNames: expressions.map(\.name), landmarks: landmarks, labels: labels,
            sources: (0..<samples).map { "synthetic:\($0)" })
    }

    /// One sample, steps 1-5 of the type's description, written over `face` (204 values).
    private static func buildFace(
        into face: inout [Float], expression: SyntheticExpression, options: Options, meanInterOcular: Float,
        generator: inout SeededGenerator
    ) {
        // 1. Identity.
        for index in face.indices { face[index] = FaceShapeBasis.mean[index] }
        for direction in 0..<FaceShapeBasis.directionCount {
            let draw = min(max(generator.nextGaussian(), -3), 3)
            let weight = draw * FaceShapeBasis.standardDeviations[direction] * options.identitySpread
            let start = direction * LandmarkDataset.valuesPerSample
            for index in face.indices { face[index] += weight * FaceShapeBasis.directions[start + index] }
        }
        let sizeFactor = interOcularDistance(face, offset: 0) / meanInterOcular

        // 2. Expression, then one distractor unit.
        let intensity = uniform(options.intensityRange, &generator)
        let side: FacialActionUnit.Side = generator.nextUnitFloat() < 0.5 ? .imageLeft : .imageRight
        for component in expression.prototype {
            let jitter = 1 + (2 * generator.nextUnitFloat() - 1) * options.unitJitter
            component.unit.apply(
                to: &face, offset: 0, intensity: intensity * component.weight * jitter, scale: sizeFactor,
                side: component.unilateral ? side : .both)
        }
        if options.distractorIntensity > 0 {
            let units = FacialActionUnit.allCases
            let unit = units[Int(generator.next() % UInt64(units.count))]
            unit.apply(
                to: &face, offset: 0, intensity: generator.nextUnitFloat() * options.distractorIntensity,
                scale: sizeFactor)
        }

        // 3. Landmark noise.
        if options.noiseMillimetres > 0 {
            for index in face.indices { face[index] += options.noiseMillimetres * generator.nextGaussian() }
        }

        // 4. Head pose, 5. image coordinates.
        let yaw = symmetric(options.maximumYawDegrees, &generator)
        let pitch = symmetric(options.maximumPitchDegrees, &generator)
        let roll = symmetric(options.maximumRollDegrees, &generator)
        let rotation = rotationMatrix(yawDegrees: yaw, pitchDegrees: pitch, rollDegrees: roll)
        let pixelsPerMillimetre = uniform(options.interOcularPixels, &generator) / interOcularDistance(face, offset: 0)
        let centerX = uniform(options.centerPixels, &generator)
        let centerY = uniform(options.centerPixels, &generator)
        placeInImage(
            &face, rotation: rotation, scale: pixelsPerMillimetre, centerX: centerX, centerY: centerY)
    }

    /// Rotates the face about its centroid by `rotation` (row-major 3 x 3) and maps it to image
    /// coordinates: x' = cx + s x, y' = cy - s y, z' = -s z
    /// (y and z flip together: the face frame's y up and z out become the image's y down and z in).
    private static func placeInImage(
        _ face: inout [Float], rotation: [Float], scale: Float, centerX: Float, centerY: Float
    ) {
        let count = LandmarkDataset.landmarkCount
        var centroid: [Float] = [0, 0, 0]
        for point in 0..<count {
            for axis in 0..<3 { centroid[axis] += face[point * 3 + axis] / Float(count) }
        }
        for point in 0..<count {
            let x = face[point * 3] - centroid[0]
            let y = face[point * 3 + 1] - centroid[1]
            let z = face[point * 3 + 2] - centroid[2]
            let rotatedX = rotation[0] * x + rotation[1] * y + rotation[2] * z
            let rotatedY = rotation[3] * x + rotation[4] * y + rotation[5] * z
            let rotatedZ = rotation[6] * x + rotation[7] * y + rotation[8] * z
            face[point * 3] = centerX + scale * rotatedX
            face[point * 3 + 1] = centerY - scale * rotatedY
            face[point * 3 + 2] = -scale * rotatedZ
        }
    }

    /// R = Rz(roll) * Ry(yaw) * Rx(pitch), row-major, in the face frame (x right, y up, z out).
    static func rotationMatrix(yawDegrees: Float, pitchDegrees: Float, rollDegrees: Float) -> [Float] {
        let toRadians = Float.pi / 180
        let (cy, sy) = (cosf(yawDegrees * toRadians), sinf(yawDegrees * toRadians))
        let (cp, sp) = (cosf(pitchDegrees * toRadians), sinf(pitchDegrees * toRadians))
        let (cr, sr) = (cosf(rollDegrees * toRadians), sinf(rollDegrees * toRadians))
        let pitch: [Float] = [1, 0, 0, 0, cp, -sp, 0, sp, cp]
        let yaw: [Float] = [cy, 0, sy, 0, 1, 0, -sy, 0, cy]
        let roll: [Float] = [cr, -sr, 0, sr, cr, 0, 0, 0, 1]
        return multiply(roll, multiply(yaw, pitch))
    }

    /// The product of two row-major 3 x 3 matrices.
    private static func multiply(_ left: [Float], _ right: [Float]) -> [Float] {
        var product = [Float](repeating: 0, count: 9)
        for row in 0..<3 {
            for column in 0..<3 {
                for inner in 0..<3 { product[row * 3 + column] += left[row * 3 + inner] * right[inner * 3 + column] }
            }
        }
        return product
    }

    /// Distance between the outer eye corners (36 and 45) of the face at `offset`.
    static func interOcularDistance(_ landmarks: [Float], offset: Int) -> Float {
        var sum: Float = 0
        for axis in 0..<3 {
            let difference = landmarks[offset + 36 * 3 + axis] - landmarks[offset + 45 * 3 + axis]
            sum += difference * difference
        }
        return sum.squareRoot()
    }

    /// The seed of sample `index`: one SplitMix64 step over the seed and index, so neighbouring
    /// samples' generators are unrelated.
    private static func sampleSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
        var mixer = SeededGenerator(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        return mixer.next()
    }

    private static func uniform(_ range: ClosedRange<Float>, _ generator: inout SeededGenerator) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * generator.nextUnitFloat()
    }

    private static func symmetric(_ limit: Float, _ generator: inout SeededGenerator) -> Float {
        (2 * generator.nextUnitFloat() - 1) * limit
    }
}
