/// The FACS action units the synthetic dataset builds its expressions from, each a small, fixed
/// displacement of specific landmarks in 3D.
///
/// Displacements are millimetres at intensity 1 on an average face (inter-ocular distance about
/// 86 mm), in the face's own frame (x to the image's right, y up, z towards the camera). They are
/// hand-set from the FACS descriptions of each unit's appearance, not measured (at intensity 1 a
/// smile moves the mouth corners about 7 mm outwards and 6 mm up, a jaw drop lowers the chin 18 mm):
/// the synthetic set that uses them is a test fixture and says nothing about GLaRE's accuracy on
/// real faces.
enum FacialActionUnit: Int, CaseIterable, Sendable {
    /// AU1, inner brow raiser: the inner ends of the brows go up.
    case innerBrowRaiser = 1
    /// AU2, outer brow raiser: the outer parts of the brows go up.
    case outerBrowRaiser = 2
    /// AU4, brow lowerer: the brows go down and draw together.
    case browLowerer = 4
    /// AU5, upper lid raiser: the upper lids go up, the eyes widen.
    case upperLidRaiser = 5
    /// AU6, cheek raiser: the cheeks push the lower lids up.
    case cheekRaiser = 6
    /// AU7, lid tightener: the lower lids rise and the upper lids come down a little.
    case lidTightener = 7
    /// AU9, nose wrinkler: the nose wings and upper lip go up, the inner brows down.
    case noseWrinkler = 9
    /// AU12, lip corner puller: the mouth corners go up, outwards and back (a smile).
    case lipCornerPuller = 12
    /// AU14, dimpler: the mouth corners tighten inwards and back.
    case dimpler = 14
    /// AU15, lip corner depressor: the mouth corners go down.
    case lipCornerDepressor = 15
    /// AU16, lower lip depressor: the middle of the lower lip goes down.
    case lowerLipDepressor = 16
    /// AU20, lip stretcher: the mouth corners stretch sideways.
    case lipStretcher = 20
    /// AU23, lip tightener: the lips narrow and thin.
    case lipTightener = 23
    /// AU26, jaw drop: the jaw, chin and lower lip go down.
    case jawDrop = 26

    /// Which half of the face a unit acts on.
    enum Side: Sendable {
        /// Both halves, mirror-symmetrically.
        case both
        /// Only the image-left half (the subject's right: eye 36-41, mouth corner 48).
        case imageLeft
        /// Only the image-right half (the subject's left: eye 42-47, mouth corner 54).
        case imageRight
    }

    /// One landmark's displacement, millimetres at intensity 1.
    struct Move: Sendable {
        let landmark: Int
        let x: Float
        let y: Float
        let z: Float

        init(_ landmark: Int, _ x: Float, _ y: Float, _ z: Float = 0) {
            self.landmark = landmark
            self.x = x
            self.y = y
            self.z = z
        }
    }

    /// The displacements for the image-left half and the midline; the image-right half is their
    /// mirror image (x negated, landmarks renamed by `LandmarkSymmetry`). Negative x is outwards
    /// on this half.
    var moves: [Move] {
        switch self {
        case .innerBrowRaiser:
            return [Move(21, 0, 9, 1), Move(20, 0, 6, 0.6), Move(19, 0, 3), Move(18, 0, 1)]
        case .outerBrowRaiser:
            return [Move(17, 0, 7), Move(18, 0, 8), Move(19, 0, 6), Move(20, 0, 3), Move(21, 0, 1)]
        case .browLowerer:
            return [
                Move(21, 4, -7, 1), Move(20, 2, -6), Move(19, 1, -5), Move(18, 0, -3), Move(17, 0, -1.6),
                Move(37, 0, -1.2), Move(38, 0, -1.2),
            ]
        case .upperLidRaiser:
            return [Move(37, 0, 4.4, 0.6), Move(38, 0, 4.4, 0.6), Move(36, 0, 0.6), Move(39, 0, 0.6)]
        case .cheekRaiser:
            return [Move(40, 0, 3), Move(41, 0, 3), Move(36, 0, 1), Move(1, 0, 1.2, 0.8), Move(2, 0, 1.2, 0.8)]
        case .lidTightener:
            return [Move(40, 0, 2.8), Move(41, 0, 2.8), Move(37, 0, -1.2), Move(38, 0, -1.2)]
        case .noseWrinkler:
            return [
                Move(31, 1, 5), Move(32, 0, 5), Move(33, 0, 4), Move(21, 0, -3), Move(27, 0, -2),
                Move(50, 0, 3), Move(51, 0, 3), Move(61, 0, 2), Move(62, 0, 2),
            ]
        case .lipCornerPuller:
            return [
                Move(48, -7, 6, -3), Move(60, -6, 5, -2), Move(49, -3, 3, -1), Move(59, -3, 3, -1),
                Move(61, -2, 2), Move(67, -2, 2), Move(50, -1, 1), Move(58, -1, 1),
            ]
        case .dimpler:
            return [Move(48, -3, 1, -5), Move(60, -2.4, 0.6, -4), Move(49, -1, 0, -2), Move(59, -1, 0, -2)]
        case .lipCornerDepressor:
            return [
                Move(48, -1, -6), Move(60, 0, -5), Move(49, 0, -2), Move(59, 0, -3), Move(61, 0, -1.6),
                Move(67, 0, -1.6),
            ]
        case .lowerLipDepressor:
            return [
                Move(57, 0, -6, 1), Move(58, 0, -5, 1), Move(59, 0, -2.4, 0.6), Move(66, 0, -5),
                Move(67, 0, -4),
            ]
        case .lipStretcher:
            return [
                Move(48, -8, -1, -1), Move(60, -7, -0.6, -0.6), Move(49, -4, 0), Move(59, -4, 0),
                Move(61, -2.4, 0), Move(67, -2.4, 0), Move(50, -1.4, 0), Move(58, -1.4, 0),
            ]
        case .lipTightener:
            return [
                Move(48, 3, 0), Move(60, 2.4, 0), Move(50, 0, -1.6), Move(51, 0, -1.6), Move(57, 0, 1.6),
                Move(58, 0, 1.6), Move(61, 0, -0.8), Move(62, 0, -0.8), Move(66, 0, 0.8), Move(67, 0, 0.8),
                Move(49, 1, -0.8), Move(59, 1, 0.8),
            ]
        case .jawDrop:
            return [
                Move(8, 0, -18, -3), Move(7, 0, -16, -3), Move(6, 0, -12, -2), Move(5, 0, -8, -1), Move(4, 0, -4),
                Move(3, 0, -1.6), Move(57, 0, -16, -2), Move(58, 0, -15, -2), Move(59, 0, -12, -2),
                Move(66, 0, -15, -2), Move(67, 0, -14, -2), Move(48, 0, -6, -1), Move(60, 0, -6, -1),
            ]
        }
    }

    /// Adds this unit at `intensity` (times `scale`, the face's size relative to the average face)
    /// to the face at `landmarks[offset...]`, on `side`. Midline points move on either side, with
    /// half the sideways-free displacement when only one side acts.
    func apply(
        to landmarks: inout [Float], offset: Int, intensity: Float, scale: Float, side: Side = .both
    ) {
        let amount = intensity * scale
        for move in moves {
            let partner = LandmarkSymmetry.mirrorPartner[move.landmark]
            let onMidline = partner == move.landmark
            let sideWeight: Float = onMidline && side != .both ? 0.5 : 1

            if onMidline || side != .imageRight {
                add(move, to: move.landmark, mirrored: false, amount: amount * sideWeight, &landmarks, offset)
            }
            if !onMidline && side != .imageLeft {
                add(move, to: partner, mirrored: true, amount: amount, &landmarks, offset)
            }
        }
    }

    private func add(
        _ move: Move, to landmark: Int, mirrored: Bool, amount: Float, _ landmarks: inout [Float], _ offset: Int
    ) {
        let index = offset + landmark * 3
        landmarks[index] += (mirrored ? -move.x : move.x) * amount
        landmarks[index + 1] += move.y * amount
        landmarks[index + 2] += move.z * amount
    }
}
