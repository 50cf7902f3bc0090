/// The left-right symmetry of the iBUG/300-W 68-point layout: which landmark a point becomes when
/// the face is mirrored.
///
/// Mirroring negates x and renames each point after its partner on the other side: the jaw runs
/// 0 <-> 16, 1 <-> 15 ...; the brows 17-21 <-> 26-22; the eyes 36 <-> 45, 37 <-> 44, 38 <-> 43,
/// 39 <-> 42, 40 <-> 47, 41 <-> 46; the lower nose 31 <-> 35, 32 <-> 34; the outer lips
/// 48 <-> 54, 49 <-> 53, 50 <-> 52, 55 <-> 59, 56 <-> 58; the inner lips 60 <-> 64, 61 <-> 63,
/// 65 <-> 67. Points on the midline (8, 27-30, 33, 51, 57, 62, 66) are their own partners.
public enum LandmarkSymmetry {
    /// `mirrorPartner[i]` is the landmark that point `i` becomes in the mirrored face. Applying the
    /// table twice gives back every index (it is an involution).
    public static let mirrorPartner: [Int] = {
        var partner = Array(0..<68)
        var pairs: [(Int, Int)] = []
        pairs += (0..<8).map { ($0, 16 - $0) }  // jaw
        pairs += (0..<5).map { (17 + $0, 26 - $0) }  // brows
        pairs += [(31, 35), (32, 34)]  // lower nose
        pairs += [(36, 45), (37, 44), (38, 43), (39, 42), (40, 47), (41, 46)]  // eyes
        pairs += [(48, 54), (49, 53), (50, 52), (55, 59), (56, 58)]  // outer lips
        pairs += [(60, 64), (61, 63), (65, 67)]  // inner lips
        for (left, right) in pairs {
            partner[left] = right
            partner[right] = left
        }
        return partner
    }()

    /// Mirrors the face starting at `landmarks[offset]` (204 values, x y z per point) about the
    /// vertical plane through its centroid: x becomes `2 * centroidX - x` and points trade places
    /// with their partners. For a centred face this is plain negation of x.
    public static func mirror(_ landmarks: inout [Float], offset: Int) {
        let count = LandmarkDataset.landmarkCount
        landmarks.withUnsafeMutableBufferPointer { buffer in
            let face = UnsafeMutableBufferPointer(rebasing: buffer[offset..<offset + count * 3])
            var centroidX: Float = 0
            for point in 0..<count { centroidX += face[point * 3] }
            centroidX /= Float(count)

            for point in 0..<count {
                let partner = mirrorPartner[point]
                guard partner > point else {
                    if partner == point { face[point * 3] = 2 * centroidX - face[point * 3] }
                    continue
                }
                for axis in 0..<3 { face.swapAt(point * 3 + axis, partner * 3 + axis) }
                face[point * 3] = 2 * centroidX - face[point * 3]
                face[partner * 3] = 2 * centroidX - face[partner * 3]
            }
        }
    }
}
