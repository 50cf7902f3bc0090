/// The few dense linear-algebra steps the landmark lifter needs, on row-major `[Double]` matrices small
/// enough (at most a few dozen rows) that calling LAPACK would cost more than it saves.
enum SmallMatrix {
    /// The inverse of a 3x3 matrix by its adjugate; the zero matrix when it is singular.
    static func inverse3x3(_ m: [Double]) -> [Double] {
        let cofactors = [
            m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
            m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
            m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3],
        ]
        let determinant = m[0] * cofactors[0] + m[1] * cofactors[3] + m[2] * cofactors[6]
        guard determinant != 0 && determinant.isFinite else { return [Double](repeating: 0, count: 9) }
        return cofactors.map { $0 / determinant }
    }

    /// The 2x3 matrix with orthonormal rows nearest to `p` (2x3): `(p p^T)^(-1/2) p`. The square root of the
    /// 2x2 Gram matrix G is `(G + sqrt(det G) I) / sqrt(trace G + 2 sqrt(det G))`.
    static func orthonormalRows(_ p: [Double]) -> [Double] {
        let a = p[0] * p[0] + p[1] * p[1] + p[2] * p[2]
        let b = p[0] * p[3] + p[1] * p[4] + p[2] * p[5]
        let d = p[3] * p[3] + p[4] * p[4] + p[5] * p[5]
        let rootDeterminant = max(a * d - b * b, 0).squareRoot()
        let normaliser = (a + d + 2 * rootDeterminant).squareRoot()
        guard normaliser > 0 else { return [1, 0, 0, 0, 1, 0] }
        // sqrt(G) = [[s00, s01], [s01, s11]]; invert it and apply to p.
        let s00 = (a + rootDeterminant) / normaliser
        let s01 = b / normaliser
        let s11 = (d + rootDeterminant) / normaliser
        let determinant = s00 * s11 - s01 * s01
        guard determinant > 1e-300 else { return [1, 0, 0, 0, 1, 0] }
        let i00 = s11 / determinant
        let i01 = -s01 / determinant
        let i11 = s00 / determinant
        return [
            i00 * p[0] + i01 * p[3], i00 * p[1] + i01 * p[4], i00 * p[2] + i01 * p[5],
            i01 * p[0] + i11 * p[3], i01 * p[1] + i11 * p[4], i01 * p[2] + i11 * p[5],
        ]
    }

    /// Solves `a x = b` for a symmetric positive-definite `a` (size x size) by Cholesky factorisation;
    /// nil when `a` is not positive definite.
    static func solveSymmetricPositiveDefinite(_ a: [Double], _ b: [Double], size: Int) -> [Double]? {
        var lower = [Double](repeating: 0, count: size * size)
        for row in 0..<size {
            for column in 0...row {
                var sum = a[row * size + column]
                for inner in 0..<column { sum -= lower[row * size + inner] * lower[column * size + inner] }
                if row == column {
                    guard sum > 0 else { return nil }
                    lower[row * size + row] = sum.squareRoot()
                } else {
                    lower[row * size + column] = sum / lower[column * size + column]
                }
            }
        }
        var forward = b
        for row in 0..<size {
            for inner in 0..<row { forward[row] -= lower[row * size + inner] * forward[inner] }
            forward[row] /= lower[row * size + row]
        }
        var solution = forward
        for row in stride(from: size - 1, through: 0, by: -1) {
            for inner in (row + 1)..<size { solution[row] -= lower[inner * size + row] * solution[inner] }
            solution[row] /= lower[row * size + row]
        }
        return solution
    }
}
