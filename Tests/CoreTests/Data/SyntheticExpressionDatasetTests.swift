import Foundation
import Testing

@testable import Core

@Suite struct SyntheticExpressionDatasetTests {
    /// Class means of interOcular-normalised faces, `[class][204]`.
    static func classMeans(_ dataset: LandmarkDataset) -> [[Float]] {
        var faces = dataset.landmarks
        LandmarkNormalization.interOcular.apply(to: &faces, count: dataset.count)
        var sums = [[Float]](repeating: [Float](repeating: 0, count: 204), count: dataset.classNames.count)
        var counts = [Float](repeating: 0, count: dataset.classNames.count)
        for sample in 0..<dataset.count {
            let label = dataset.labels[sample]
            counts[label] += 1
            for index in 0..<204 { sums[label][index] += faces[sample * 204 + index] }
        }
        return sums.enumerated().map { label, sum in sum.map { $0 / max(counts[label], 1) } }
    }

    /// Held-out accuracy of a nearest-class-mean classifier on normalised landmarks: means from the
    /// first `trainCount` samples, accuracy on the rest.
    static func nearestMeanAccuracy(_ dataset: LandmarkDataset, trainCount: Int) -> Double {
        let train = dataset.subset(Array(0..<trainCount))
        let means = classMeans(train)
        var faces = dataset.landmarks
        LandmarkNormalization.interOcular.apply(to: &faces, count: dataset.count)

        var correct = 0
        for sample in trainCount..<dataset.count {
            let face = faces[sample * 204..<(sample + 1) * 204]
            let distances = means.map { mean in zip(face, mean).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            }
            let predicted = distances.indices.min { distances[$0] < distances[$1] }!
            if predicted == dataset.labels[sample] { correct += 1 }
        }
        return Double(correct) / Double(dataset.count - trainCount)
    }

    private static func y(_ mean: [Float], _ point: Int) -> Float { mean[point * 3 + 1] }
    private static func x(_ mean: [Float], _ point: Int) -> Float { mean[point * 3] }

    @Test func make_withTheSameSeed_isIdentical_andAnotherSeedDiffers() {
        let first = SyntheticExpressionDataset.make(samples: 64, seed: 5)
        let second = SyntheticExpressionDataset.make(samples: 64, seed: 5)
        let other = SyntheticExpressionDataset.make(samples: 64, seed: 6)

        #expect(first.landmarks == second.landmarks && first.labels == second.labels)
        #expect(first.landmarks != other.landmarks)
    }

    @Test func make_smallerSet_isAPrefixOfALargerOne() {
        let small = SyntheticExpressionDataset.make(samples: 10, seed: 2)
        let large = SyntheticExpressionDataset.make(samples: 30, seed: 2)

        #expect(Array(large.landmarks.prefix(10 * 204)) == small.landmarks)
    }

    @Test func make_hasAffectNetsEightClasses_balanced_withSyntheticSources() {
        let dataset = SyntheticExpressionDataset.make(samples: 800, seed: 1)

        #expect(dataset.classNames == ["neutral", "happy", "sad", "surprise", "fear", "disgust", "anger", "contempt"])
        #expect(dataset.count == 800)
        for label in 0..<8 { #expect(dataset.labels.filter { $0 == label }.count == 100, "class \(label)") }
        #expect(dataset.sources[0] == "synthetic:0" && dataset.sources[799] == "synthetic:799")
        #expect(dataset.landmarks.allSatisfy { $0.isFinite })
    }

    @Test func make_withoutContempt_hasSevenClasses() {
        let options = SyntheticExpressionDataset.Options(includesContempt: false)
        let dataset = SyntheticExpressionDataset.make(samples: 70, seed: 1, options: options)

        #expect(dataset.classNames == ["neutral", "happy", "sad", "surprise", "fear", "disgust", "anger"])
        #expect(Set(dataset.labels) == Set(0..<7))
    }

    @Test func make_placesFacesInImageLikeCoordinates() {
        let dataset = SyntheticExpressionDataset.make(samples: 200, seed: 3)

        for sample in 0..<dataset.count {
            let offset = sample * 204
            let eyes = LandmarkTestFaces.distance(dataset.landmarks, 36, 45, offset: offset)
            #expect((55...145).contains(eyes), "sample \(sample): eye corners \(eyes) px apart")
            // y grows downwards: the chin (8) is below the nasion (27).
            #expect(dataset.landmarks[offset + 8 * 3 + 1] > dataset.landmarks[offset + 27 * 3 + 1])
        }
    }

    @Test func classMeans_moveTheLandmarksOfTheirActionUnits() {
        let means = Self.classMeans(SyntheticExpressionDataset.make(samples: 4000, seed: 21))
        let neutral = means[0]
        let (y, x) = (Self.y, Self.x)
        let margin: Float = 0.01  // of the inter-ocular distance; y grows downwards

        // happy (AU6 + AU12): mouth corners up and outwards, lower lids up.
        #expect(y(means[1], 48) < y(neutral, 48) - margin && y(means[1], 54) < y(neutral, 54) - margin)
        #expect(x(means[1], 48) < x(neutral, 48) - margin && x(means[1], 54) > x(neutral, 54) + margin)
        #expect(y(means[1], 41) < y(neutral, 41) - margin / 2)
        // sad (AU1 + AU4 + AU15): inner brows up, mouth corners down.
        #expect(y(means[2], 21) < y(neutral, 21) - margin && y(means[2], 48) > y(neutral, 48) + margin)
        // surprise (AU1 + AU2 + AU5 + AU26): brows up, upper lids up, jaw and lower lip down.
        #expect(y(means[3], 19) < y(neutral, 19) - margin && y(means[3], 24) < y(neutral, 24) - margin)
        #expect(y(means[3], 8) > y(neutral, 8) + 4 * margin && y(means[3], 66) > y(neutral, 66) + 4 * margin)
        #expect(y(means[3], 37) < y(neutral, 37) - margin / 2)
        // fear (... AU20 + AU26): brows up, mouth wider, jaw down.
        let width = { (mean: [Float]) in x(mean, 54) - x(mean, 48) }
        #expect(y(means[4], 19) < y(neutral, 19) - margin && width(means[4]) > width(neutral) + 2 * margin)
        #expect(y(means[4], 8) > y(neutral, 8) + 2 * margin)
        // disgust (AU9 + AU15 + AU16): nose base up, lower lip down.
        #expect(y(means[5], 33) < y(neutral, 33) - margin && y(means[5], 57) > y(neutral, 57) + margin)
        // anger (AU4 + AU5 + AU7 + AU23): brows down and together, mouth narrower.
        #expect(y(means[6], 20) > y(neutral, 20) + margin && y(means[6], 23) > y(neutral, 23) + margin)
        #expect(x(means[6], 22) - x(means[6], 21) < x(neutral, 22) - x(neutral, 21) - margin)
        #expect(width(means[6]) < width(neutral) - margin)
        // contempt (AU12 + AU14 on one side): on average both corners pulled back (z, away from the
        // camera, grows) and up.
        #expect(means[7][48 * 3 + 2] > neutral[48 * 3 + 2] + margin && y(means[7], 48) < y(neutral, 48))
    }

    @Test func contempt_isLopsided_unlikeNeutral() {
        let dataset = SyntheticExpressionDataset.make(samples: 800, seed: 8)
        var faces = dataset.landmarks
        LandmarkNormalization.interOcular.apply(to: &faces, count: dataset.count)
        func meanCornerLopsidedness(label: Int) -> Float {
            let samples = (0..<dataset.count).filter { dataset.labels[$0] == label }
            let total = samples.reduce(Float(0)) { sum, sample in
                let offset = sample * 204
                return sum + abs(faces[offset + 48 * 3 + 2] - faces[offset + 54 * 3 + 2])
            }
            return total / Float(samples.count)
        }

        #expect(meanCornerLopsidedness(label: 7) > meanCornerLopsidedness(label: 0) + 0.01)
    }

    @Test func nearestClassMean_onStandardSet_isWellAboveChanceButNotPerfect() {
        let accuracy = Self.nearestMeanAccuracy(
            SyntheticExpressionDataset.make(samples: 4000, seed: 31), trainCount: 3000)
        print("synthetic standard nearest-class-mean held-out accuracy: \(accuracy)")

        #expect(accuracy > 0.3, "chance is 0.125; observed \(accuracy)")
        #expect(accuracy < 0.98, "the standard set should be noisy; observed \(accuracy)")
    }

    @Test func nearestClassMean_onEasySet_isNearlyPerfect() {
        let dataset = SyntheticExpressionDataset.make(samples: 2000, seed: 32, options: .easy)
        let accuracy = Self.nearestMeanAccuracy(dataset, trainCount: 1500)
        print("synthetic easy nearest-class-mean held-out accuracy: \(accuracy)")

        #expect(accuracy > 0.9, "observed \(accuracy)")
    }
}

@Suite struct SyntheticExpressionDatasetSpeedTests {
    /// The brief: 4000 samples well under a second in release. A debug build runs the same code
    /// unoptimised, so it gets a looser bound.
    @Test func make_4000Samples_isFast() {
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = SyntheticExpressionDataset.make(samples: 4000, seed: 1) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("synthetic generation of 4000 samples: \(seconds) s")
        #if DEBUG
            #expect(seconds < 5, "debug build: \(seconds) s")
        #else
            #expect(seconds < 0.25, "release build: \(seconds) s")
        #endif
    }
}

@Suite struct SyntheticExpressionOptionsTests {
    private typealias Options = SyntheticExpressionDataset.Options

    @Test func initSpecOptions_withNothing_isStandardWithEightClasses() throws {
        #expect(try Options(specOptions: ["samples": "10", "seed": "3"]) == .standard)
    }

    @Test func initSpecOptions_readsDifficultyAndClasses() throws {
        let options = try Options(specOptions: ["difficulty": "easy", "classes": "7"])

        var expected = Options.easy
        expected.includesContempt = false
        #expect(options == expected)
    }

    @Test func initSpecOptions_whenValuesAreUnknown_refusesNamingTheOption() {
        #expect(throws: DatasetSpecError.badOption("difficulty=hard")) {
            try Options(specOptions: ["difficulty": "hard"])
        }
        #expect(throws: DatasetSpecError.badOption("classes=6")) { try Options(specOptions: ["classes": "6"]) }
    }
}

@Suite struct SyntheticIdentityTests {
    /// Neutral faces with pose, noise and distractors turned off, normalised: only identity is left.
    private static func neutralFaces(identitySpread: Float) -> [[Float]] {
        let options = SyntheticExpressionDataset.Options(
            distractorIntensity: 0, identitySpread: identitySpread, noiseMillimetres: 0, maximumYawDegrees: 0,
            maximumPitchDegrees: 0, maximumRollDegrees: 0)
        let dataset = SyntheticExpressionDataset.make(samples: 80, seed: 13, options: options)
        var faces = dataset.landmarks
        LandmarkNormalization.interOcular.apply(to: &faces, count: dataset.count)
        return (0..<dataset.count).filter { dataset.labels[$0] == 0 }.map { Array(faces[$0 * 204..<($0 + 1) * 204]) }
    }

    @Test func neutralFaces_withoutIdentitySpread_areAllTheSameFace() {
        let faces = Self.neutralFaces(identitySpread: 0)

        #expect(faces.count == 10)
        for face in faces.dropFirst() { expectAllClose(face, faces[0], tolerance: 1e-4, "normalised neutral faces") }
    }

    @Test func neutralFaces_withIdentitySpread_differInShape() {
        let faces = Self.neutralFaces(identitySpread: 1)
        let differences = faces.dropFirst().map { face in zip(face, faces[0]).map { abs($0 - $1) }.max() ?? 0 }

        // Much of the identity spread is overall size, which normalisation removes; what is left
        // still moves some landmark of every other face by over 1 % of the inter-ocular distance.
        #expect(differences.allSatisfy { $0 > 0.01 }, "largest differences from the first face: \(differences)")
    }
}
