/// The expressions of the synthetic dataset, in AffectNet's order, each with the FACS prototype
/// it is built from.
///
/// The prototypes follow the usual EMFACS-style descriptions of the basic emotions. The numbers
/// beside each unit are its intensity relative to the sample's expression intensity (a weaker
/// unit, such as AU5B in surprise, gets less than 1).
enum SyntheticExpression: Int, CaseIterable, Sendable {
    /// No action unit.
    case neutral
    /// AU6 + AU12.
    case happy
    /// AU1 + AU4 + AU15.
    case sad
    /// AU1 + AU2 + AU5B + AU26.
    case surprise
    /// AU1 + AU2 + AU4 + AU5 + AU7 + AU20 + AU26.
    case fear
    /// AU9 + AU15 + AU16.
    case disgust
    /// AU4 + AU5 + AU7 + AU23.
    case anger
    /// AU12 + AU14 on one side of the face only (the side drawn per sample).
    case contempt

    /// One unit of a prototype.
    struct Component: Sendable {
        /// The unit.
        let unit: FacialActionUnit
        /// Its intensity relative to the sample's expression intensity.
        let weight: Float
        /// Whether it acts on one side only.
        let unilateral: Bool

        init(_ unit: FacialActionUnit, _ weight: Float = 1, unilateral: Bool = false) {
            self.unit = unit
            self.weight = weight
            self.unilateral = unilateral
        }
    }

    /// The name datasets and reports use (AffectNet's spelling).
    var name: String { String(describing: self) }

    /// The action units this expression is made of.
    var prototype: [Component] {
        switch self {
        case .neutral: return []
        case .happy: return [Component(.cheekRaiser), Component(.lipCornerPuller)]
        case .sad: return [Component(.innerBrowRaiser), Component(.browLowerer, 0.6), Component(.lipCornerDepressor)]
        case .surprise:
            return [
                Component(.innerBrowRaiser), Component(.outerBrowRaiser), Component(.upperLidRaiser, 0.6),
                Component(.jawDrop),
            ]
        case .fear:
            return [
                Component(.innerBrowRaiser), Component(.outerBrowRaiser), Component(.browLowerer, 0.6),
                Component(.upperLidRaiser), Component(.lidTightener, 0.6), Component(.lipStretcher),
                Component(.jawDrop, 0.6),
            ]
        case .disgust:
            return [Component(.noseWrinkler), Component(.lipCornerDepressor, 0.7), Component(.lowerLipDepressor)]
        case .anger:
            return [
                Component(.browLowerer), Component(.upperLidRaiser, 0.6), Component(.lidTightener),
                Component(.lipTightener),
            ]
        case .contempt:
            return [Component(.lipCornerPuller, 0.6, unilateral: true), Component(.dimpler, unilateral: true)]
        }
    }
}
