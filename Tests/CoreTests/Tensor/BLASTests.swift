import Testing

@testable import Core

@Suite("OpenBLAS wrapper")
struct BLASTests {
    @Test func multiply_withTransposes_matchesNaiveProducts() throws {
        var generator = Core.SeededGenerator(seed: 4)
        let a = (0..<6 * 4).map { _ in generator.nextGaussian() }  // 6 x 4 (or its transpose 4 x 6)
        let b = (0..<4 * 5).map { _ in generator.nextGaussian() }  // 4 x 5
        var c = [Float](repeating: 1, count: 6 * 5)
        try BLAS.multiply(
            .none, a, leadingA: 4, .none, b, leadingB: 5, into: &c, leadingC: 5, rows: 6, columns: 5, inner: 4,
            beta: 1)
        var expected = [Float](repeating: 0, count: 30)
        for i in 0..<6 {
            for j in 0..<5 { expected[i * 5 + j] = 1 + (0..<4).reduce(0) { $0 + a[i * 4 + $1] * b[$1 * 5 + j] } }
        }
        expectAllClose(c, expected, tolerance: 1e-5, "6x4 times 4x5 plus ones")

        // A stored 6 x 4 used transposed: (4 x 6) times (6 x 5 from c).
        var d = [Float](repeating: 0, count: 4 * 5)
        try BLAS.multiply(
            .transposed, a, leadingA: 4, .none, c, leadingB: 5, into: &d, leadingC: 5, rows: 4, columns: 5, inner: 6)
        var expectedD = [Float](repeating: 0, count: 20)
        for i in 0..<4 {
            for j in 0..<5 { expectedD[i * 5 + j] = (0..<6).reduce(0) { $0 + a[$1 * 4 + i] * c[$1 * 5 + j] } }
        }
        expectAllClose(d, expectedD, tolerance: 1e-4, "transpose(6x4) times 6x5")
    }

    @Test(arguments: [Float(0), 1], [BLAS.Transpose.none, .transposed])
    func multiplyInSmallBlocks_matchesOneCall(beta: Float, transposeA: BLAS.Transpose) throws {
        // 1000 x 64 x 64: four million multiply-adds, cut into blocks of at most a million (uneven).
        let (rows, columns, inner) = (1000, 64, 64)
        var generator = Core.SeededGenerator(seed: 8)
        let a = (0..<rows * inner).map { _ in generator.nextGaussian() }
        let b = (0..<inner * columns).map { _ in generator.nextGaussian() }
        let start = (0..<rows * columns).map { _ in generator.nextGaussian() }
        let leadingA = transposeA == .none ? inner : rows
        var whole = start
        var blocks = start
        try BLAS.multiply(
            transposeA, a, leadingA: leadingA, .none, b, leadingB: columns, into: &whole, leadingC: columns,
            rows: rows, columns: columns, inner: inner, beta: beta)
        try BLAS.multiplyInSmallBlocks(
            transposeA, a, leadingA: leadingA, .none, b, leadingB: columns, into: &blocks, leadingC: columns,
            rows: rows, columns: columns, inner: inner, beta: beta)
        expectAllClose(blocks, whole, tolerance: 1e-3, "blocks of rows, beta \(beta), A \(transposeA)")
        #expect(blocks != start, "the product was written")
    }

    @Test(arguments: [Float(0), 1])
    func multiplyTransposedInSmallBlocks_matchesOneCall(beta: Float) throws {
        // (1000 x 64)^T times 1000 x 64: four million multiply-adds, summed over blocks of the inner 1000.
        let (rows, columns, inner) = (64, 64, 1000)
        var generator = Core.SeededGenerator(seed: 9)
        let a = (0..<inner * rows).map { _ in generator.nextGaussian() }
        let b = (0..<inner * columns).map { _ in generator.nextGaussian() }
        let start = (0..<rows * columns).map { _ in generator.nextGaussian() }
        var whole = start
        var blocks = start
        try BLAS.multiply(
            .transposed, a, leadingA: rows, .none, b, leadingB: columns, into: &whole, leadingC: columns,
            rows: rows, columns: columns, inner: inner, beta: beta)
        try BLAS.multiplyTransposedInSmallBlocks(
            a, leadingA: rows, b, leadingB: columns, into: &blocks, leadingC: columns, rows: rows, columns: columns,
            inner: inner, beta: beta)
        expectAllClose(blocks, whole, tolerance: 1e-3, "blocks of the inner dimension, beta \(beta)")
        #expect(blocks != start, "the product was written")
    }

    @Test(arguments: [BLAS.Split.rows, .columns], [BLAS.Transpose.none, .transposed])
    func splitMultiply_onTwoThreads_matchesOneCall(split: BLAS.Split, transpose: BLAS.Transpose) throws {
        // 100 x 120 x 96: above the size that is split, with blocks that do not divide evenly. Blocks may
        // take other kernel paths than the whole, so the sums agree to rounding, not to the bit.
        let (rows, columns, inner) = (100, 120, 96)
        var generator = Core.SeededGenerator(seed: 6)
        let a = (0..<rows * inner).map { _ in generator.nextGaussian() }
        let b = (0..<inner * columns).map { _ in generator.nextGaussian() }
        let start = (0..<rows * columns).map { _ in generator.nextGaussian() }
        let leadingA = transpose == .none ? inner : rows
        let leadingB = transpose == .none ? columns : inner
        var whole = start
        var split2 = start
        try a.withUnsafeBufferPointer { a in
            try b.withUnsafeBufferPointer { b in
                try BLAS.multiply(
                    transpose, a.baseAddress!, leadingA: leadingA, transpose, b.baseAddress!, leadingB: leadingB,
                    into: &whole, leadingC: columns, rows: rows, columns: columns, inner: inner, beta: 1)
                try split2.withUnsafeMutableBufferPointer { c in
                    try BLAS.multiply(
                        transpose, a.baseAddress!, leadingA: leadingA, transpose, b.baseAddress!, leadingB: leadingB,
                        into: c.baseAddress!, leadingC: columns, rows: rows, columns: columns, inner: inner, beta: 1,
                        threads: 2, split: split)
                }
            }
        }
        expectAllClose(split2, whole, tolerance: 1e-3, "split \(split) with \(transpose) operands")
        #expect(split2 != start, "the product was written")
    }

    @Test func multiply_whenLeadingDimensionIsTooSmall_throwsNamingTheCall() {
        var c = [Float](repeating: 0, count: 4)
        #expect {
            try BLAS.multiply(
                .none, [1, 2, 3, 4], leadingA: 1, .none, [1, 2, 3, 4], leadingB: 2, into: &c, leadingC: 2, rows: 2,
                columns: 2, inner: 2)
        } throws: { error in
            guard case BLASError.invalidArguments(let operation, _) = error else { return false }
            return operation == "cblas_sgemm"
        }
    }

    @Test func setThreadCount_belowOne_isRefused() {
        #expect(throws: BLASError.invalidThreadCount(0)) { try BLAS.setThreadCount(0) }
    }

    @Test func tensor_resizeToSmaller_keepsItsBuffer() {
        let tensor = Tensor(shape: [4, 8])
        let pointer = tensor.pointer
        tensor.resize([2, 8])
        #expect(tensor.pointer == pointer && tensor.count == 16 && tensor.rows == 2 && tensor.columns == 8)
        tensor.resize([5, 8])
        #expect(tensor.count == 40 && tensor.capacity >= 40)
    }
}
