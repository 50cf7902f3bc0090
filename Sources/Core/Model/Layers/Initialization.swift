/// Seeded initial values for weights.
enum Initialization {
    /// A `rows x columns` tensor drawn from Glorot's uniform `U(-a, a)`, `a = sqrt(6 / (rows + columns))`.
    static func glorotUniform(rows: Int, columns: Int, generator: inout SeededGenerator) -> Tensor {
        let bound = (6 / Float(rows + columns)).squareRoot()
        let tensor = Tensor(shape: [rows, columns])
        for index in 0..<tensor.count { tensor[index] = (2 * generator.nextUnitFloat() - 1) * bound }
        return tensor
    }

    /// A tensor of `shape` drawn from `N(0, standardDeviation^2)`.
    static func gaussian(shape: [Int], standardDeviation: Float, generator: inout SeededGenerator) -> Tensor {
        let tensor = Tensor(shape: shape)
        for index in 0..<tensor.count { tensor[index] = standardDeviation * generator.nextGaussian() }
        return tensor
    }
}
