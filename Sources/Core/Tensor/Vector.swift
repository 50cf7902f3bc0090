/// Explicit 8-lane loads and stores for the feature loops, which the compiler does not vectorise
/// by itself when several pointers might alias.
enum Vector {
    /// Lanes per vector.
    static let width = 8

    /// Eight floats from `pointer + index`.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>, _ index: Int) -> SIMD8<Float> {
        UnsafeRawPointer(pointer + index).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Eight floats from `pointer + index`.
    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>, _ index: Int) -> SIMD8<Float> {
        UnsafeRawPointer(pointer + index).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Stores eight floats at `pointer + index`.
    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>, _ index: Int) {
        UnsafeMutableRawPointer(pointer + index).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}
