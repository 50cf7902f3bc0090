import Foundation

extension BLAS {
    /// How a product is cut between threads: by blocks of rows of `C` or by blocks of its columns.
    public enum Split: Sendable {
        /// Row blocks (for a tall `C`).
        case rows
        /// Column blocks (for a short, wide `C`, such as a weight gradient summed over a batch).
        case columns
    }

    /// `multiply`, with `C` cut into `threads` blocks that run side by side, each an sgemm of its
    /// own. Every element of `C` is computed by one call over the whole inner dimension, so the
    /// results depend on the thread count (a block may take another kernel path than the whole, a
    /// difference in the last bits) but never on timing. OpenBLAS should be on one thread while
    /// this runs (the network sets it so for a whole pass); products under `minimumWork`
    /// multiply-adds run as one call.
    public static func multiply(
        _ transposeA: Transpose, _ a: UnsafePointer<Float>, leadingA: Int,
        _ transposeB: Transpose, _ b: UnsafePointer<Float>, leadingB: Int,
        into c: UnsafeMutablePointer<Float>, leadingC: Int,
        rows: Int, columns: Int, inner: Int, beta: Float = 0, threads: Int, split: Split,
        minimumWork: Int = 1 << 20
    ) throws(BLASError) {
        let cut = split == .rows ? rows : columns
        let pieces = rows * columns * inner < minimumWork ? 1 : min(threads, max(cut / 16, 1))
        if pieces <= 1 {
            return try multiply(
                transposeA, a, leadingA: leadingA, transposeB, b, leadingB: leadingB, into: c, leadingC: leadingC,
                rows: rows, columns: columns, inner: inner, beta: beta)
        }
        var failure: BLASError?
        let failureLock = NSLock()
        Parallel.run(count: cut, threads: pieces, alignment: 16) { _, range in
            do throws(BLASError) {
                switch split {
                case .rows:
                    // Rows of op(A): rows of A, or columns of A when transposed.
                    let offsetA = transposeA == .none ? range.lowerBound * leadingA : range.lowerBound
                    try multiply(
                        transposeA, a + offsetA, leadingA: leadingA, transposeB, b, leadingB: leadingB,
                        into: c + range.lowerBound * leadingC, leadingC: leadingC, rows: range.count,
                        columns: columns, inner: inner, beta: beta)
                case .columns:
                    // Columns of op(B): columns of B, or rows of B when transposed.
                    let offsetB = transposeB == .none ? range.lowerBound : range.lowerBound * leadingB
                    try multiply(
                        transposeA, a, leadingA: leadingA, transposeB, b + offsetB, leadingB: leadingB,
                        into: c + range.lowerBound, leadingC: leadingC, rows: rows, columns: range.count,
                        inner: inner, beta: beta)
                }
            } catch {
                failureLock.withLock { failure = error }
            }
        }
        if let failure { throw failure }
    }
}
