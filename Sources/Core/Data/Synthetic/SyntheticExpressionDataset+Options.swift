extension SyntheticExpressionDataset {
    /// How hard the synthetic set is: expression strength, overlap between classes, noise and pose.
    public struct Options: Sendable, Equatable {
        /// Eight classes with contempt (AffectNet's eight), or seven without it.
        public var includesContempt: Bool
        /// Range of the per-sample expression intensity (1 = the full prototype displacement).
        public var intensityRange: ClosedRange<Float>
        /// Each unit's intensity is further multiplied by 1 + u, u uniform in +-unitJitter.
        public var unitJitter: Float
        /// Largest intensity of the one unrelated action unit added to every sample (0 = none).
        public var distractorIntensity: Float
        /// Standard deviation of the identity draw, in units of the morphable model's own spread.
        public var identitySpread: Float
        /// Standard deviation of the landmark noise, millimetres on the face (about 86 mm between
        /// the outer eye corners).
        public var noiseMillimetres: Float
        /// Largest head yaw either way, degrees.
        public var maximumYawDegrees: Float
        /// Largest head pitch either way, degrees.
        public var maximumPitchDegrees: Float
        /// Largest head roll (in-plane) either way, degrees.
        public var maximumRollDegrees: Float
        /// Range of the distance between the outer eye corners, pixels.
        public var interOcularPixels: ClosedRange<Float>
        /// Range of the face centroid's x and y, pixels.
        public var centerPixels: ClosedRange<Float>

        /// Creates options; the defaults are `standard`'s.
        public init(
            includesContempt: Bool = true, intensityRange: ClosedRange<Float> = 0.3...1.0, unitJitter: Float = 0.25,
            distractorIntensity: Float = 0.35, identitySpread: Float = 1, noiseMillimetres: Float = 0.7,
            maximumYawDegrees: Float = 10, maximumPitchDegrees: Float = 8, maximumRollDegrees: Float = 8,
            interOcularPixels: ClosedRange<Float> = 60...140, centerPixels: ClosedRange<Float> = 180...320
        ) {
            self.includesContempt = includesContempt
            self.intensityRange = intensityRange
            self.unitJitter = unitJitter
            self.distractorIntensity = distractorIntensity
            self.identitySpread = identitySpread
            self.noiseMillimetres = noiseMillimetres
            self.maximumYawDegrees = maximumYawDegrees
            self.maximumPitchDegrees = maximumPitchDegrees
            self.maximumRollDegrees = maximumRollDegrees
            self.interOcularPixels = interOcularPixels
            self.centerPixels = centerPixels
        }

        /// The default: expressions from faint to full, a distractor unit, noise and head pose, so
        /// classes overlap and a simple classifier stays well short of perfect.
        public static let standard = Options()

        /// Strong expressions, half the identity spread, no distractor, little noise and pose: for tests
        /// that must learn fast.
        public static let easy = Options(
            intensityRange: 0.8...1.0, unitJitter: 0.1, distractorIntensity: 0, identitySpread: 0.5,
            noiseMillimetres: 0.2, maximumYawDegrees: 3, maximumPitchDegrees: 3, maximumRollDegrees: 3)

        /// The named presets, as `builtin:synthetic?difficulty=<name>` spells them.
        public static let presets: [String: Options] = ["standard": .standard, "easy": .easy]

        /// Reads a `builtin:synthetic` spec's options: `difficulty=standard|easy` picks the preset
        /// (standard when absent) and `classes=7|8` drops or keeps contempt (8 when absent). Other
        /// keys (`samples`, `seed`) are the loader's and are ignored here.
        public init(specOptions: [String: String]) throws(DatasetSpecError) {
            let difficulty = specOptions["difficulty"] ?? "standard"
            guard let preset = Self.presets[difficulty] else { throw .badOption("difficulty=\(difficulty)") }
            self = preset
            switch specOptions["classes"] {
            case nil, "8": includesContempt = true
            case "7": includesContempt = false
            case let other?: throw .badOption("classes=\(other)")
            }
        }
    }
}
