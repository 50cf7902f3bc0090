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

    /// `multiply` for a tall `C`, as one call per block of rows small enough that OpenBLAS takes its
    /// small-matrix path: for at most `smallProduct` multiply-adds a call, its SkylakeX-family
    /// kernels (what it picks on AVX-512 machines) read the operands as they are, with neither
    /// packing them into buffers nor clearing `C` first when `beta` is 0. That path takes `B` as
    /// stored only, and blocks of fewer than `minimumSmallBlockRows` rows would read `B` too often,
    /// so other products run as one call. Elsewhere the cut only adds a few calls. Each element of
    /// `C` still comes from one call over the whole inner dimension.
    public static func multiplyInSmallBlocks(
        _ transposeA: Transpose, _ a: UnsafePointer<Float>, leadingA: Int,
        _ transposeB: Transpose, _ b: UnsafePointer<Float>, leadingB: Int,
        into c: UnsafeMutablePointer<Float>, leadingC: Int,
        rows: Int, columns: Int, inner: Int, beta: Float = 0
    ) throws(BLASError) {
        let blockRows = max(1, smallProduct / max(columns * inner, 1))
        guard transposeB == .none, blockRows >= minimumSmallBlockRows else {
            return try multiply(
                transposeA, a, leadingA: leadingA, transposeB, b, leadingB: leadingB, into: c, leadingC: leadingC,
                rows: rows, columns: columns, inner: inner, beta: beta)
        }
        let blocks = max(1, (rows + blockRows - 1) / blockRows)
        // Blocks of nearly equal size, rather than full blocks and a small remainder.
        let perBlock = (rows + blocks - 1) / blocks
        var start = 0
        while start < rows {
            let count = min(perBlock, rows - start)
            let offsetA = transposeA == .none ? start * leadingA : start
            try multiply(
                transposeA, a + offsetA, leadingA: leadingA, transposeB, b, leadingB: leadingB,
                into: c + start * leadingC, leadingC: leadingC, rows: count, columns: columns, inner: inner,
                beta: beta)
            start += count
        }
    }

    /// `C = A^T B + beta C` for a tall `A` and `B` (`inner` large: a weight gradient summed over
    /// rows), as one call per block of the inner dimension small enough for OpenBLAS's small-matrix
    /// path (`multiplyInSmallBlocks`), the blocks added up in order into `C`. The sums are grouped
    /// differently from one call's, a difference in the last bits.
    public static func multiplyTransposedInSmallBlocks(
        _ a: UnsafePointer<Float>, leadingA: Int, _ b: UnsafePointer<Float>, leadingB: Int,
        into c: UnsafeMutablePointer<Float>, leadingC: Int, rows: Int, columns: Int, inner: Int, beta: Float = 0
    ) throws(BLASError) {
        let blockInner = max(1, smallProduct / max(rows * columns, 1))
        guard blockInner >= minimumSmallBlockRows, inner > blockInner else {
            return try multiply(
                .transposed, a, leadingA: leadingA, .none, b, leadingB: leadingB, into: c, leadingC: leadingC,
                rows: rows, columns: columns, inner: inner, beta: beta)
        }
        let blocks = (inner + blockInner - 1) / blockInner
        let perBlock = (inner + blocks - 1) / blocks
        var start = 0
        while start < inner {
            let count = min(perBlock, inner - start)
            try multiply(
                .transposed, a + start * leadingA, leadingA: leadingA, .none, b + start * leadingB, leadingB: leadingB,
                into: c, leadingC: leadingC, rows: rows, columns: columns, inner: count, beta: start == 0 ? beta : 1)
            start += count
        }
    }

    /// The largest product (multiply-adds) OpenBLAS's small-matrix path takes (`1e6` in its
    /// `sgemm_small_kernel_permit` for SkylakeX).
    public static let smallProduct = 1_000_000

    /// The fewest rows a block of `multiplyInSmallBlocks` may have.
    public static let minimumSmallBlockRows = 16
}
