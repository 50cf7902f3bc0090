import COpenBLAS

/// The one wrapper around OpenBLAS: every call into the library goes through here and has its
/// arguments checked first, because OpenBLAS reports bad arguments by printing and carrying on.
public enum BLAS {
    /// Whether a matrix operand is used as stored or transposed.
    public enum Transpose: Sendable {
        /// As stored.
        case none
        /// Transposed.
        case transposed

        fileprivate var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    }

    /// `C = alpha * op(A) * op(B) + beta * C` on row-major matrices (`cblas_sgemm`).
    ///
    /// `op(A)` is `rows x inner`, `op(B)` is `inner x columns`, `C` is `rows x columns`; each leading
    /// dimension is the distance between consecutive stored rows of that operand.
    public static func multiply(
        _ transposeA: Transpose, _ a: UnsafePointer<Float>, leadingA: Int,
        _ transposeB: Transpose, _ b: UnsafePointer<Float>, leadingB: Int,
        into c: UnsafeMutablePointer<Float>, leadingC: Int,
        rows: Int, columns: Int, inner: Int, alpha: Float = 1, beta: Float = 0
    ) throws(BLASError) {
        let storedColumnsA = transposeA == .none ? inner : rows
        let storedColumnsB = transposeB == .none ? columns : inner
        guard rows >= 0, columns >= 0, inner >= 0 else {
            throw .invalidArguments(operation: "cblas_sgemm", detail: "negative size \(rows)x\(columns)x\(inner)")
        }
        guard leadingA >= max(1, storedColumnsA), leadingB >= max(1, storedColumnsB), leadingC >= max(1, columns)
        else {
            throw .invalidArguments(
                operation: "cblas_sgemm",
                detail:
                    "leading dimensions \(leadingA), \(leadingB), \(leadingC) too small for \(rows)x\(columns)x\(inner)"
            )
        }
        guard let limit = Int32(exactly: max(rows, columns, inner, leadingA, leadingB, leadingC)), limit > 0 else {
            if rows == 0 || columns == 0 { return }
            throw .invalidArguments(operation: "cblas_sgemm", detail: "a size does not fit a 32-bit BLAS integer")
        }
        if rows == 0 || columns == 0 { return }
        cblas_sgemm(
            CblasRowMajor, transposeA.cblas, transposeB.cblas, Int32(rows), Int32(columns), Int32(inner), alpha,
            a, Int32(leadingA), b, Int32(leadingB), beta, c, Int32(leadingC))
    }

    /// Sets the number of threads OpenBLAS uses (`openblas_set_num_threads`).
    public static func setThreadCount(_ count: Int) throws(BLASError) {
        guard count >= 1, let value = Int32(exactly: count) else { throw .invalidThreadCount(count) }
        openblas_set_num_threads(value)
    }

    /// The number of threads OpenBLAS uses (`openblas_get_num_threads`).
    public static var threadCount: Int { Int(openblas_get_num_threads()) }
}

/// Why a BLAS call was refused.
public enum BLASError: Error, Equatable, CustomStringConvertible {
    /// The sizes or leading dimensions do not describe valid matrices.
    case invalidArguments(operation: String, detail: String)
    /// A thread count below 1.
    case invalidThreadCount(Int)

    /// A short lower-case message.
    public var description: String {
        switch self {
        case .invalidArguments(let operation, let detail): return "\(operation): invalid arguments: \(detail)"
        case .invalidThreadCount(let count): return "openblas_set_num_threads: thread count \(count) is below 1"
        }
    }
}
