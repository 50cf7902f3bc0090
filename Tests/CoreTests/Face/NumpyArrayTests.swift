import Foundation
import Testing

@testable import Core

/// The bytes of a version-1 `.npy` file with `descriptor`, `shape` and raw little-endian `body`.
func npyBytes(descriptor: String, shape: String, body: [UInt8], fortranOrder: Bool = false) -> [UInt8] {
    let order = fortranOrder ? "True" : "False"
    var header = "{'descr': '\(descriptor)', 'fortran_order': \(order), 'shape': \(shape), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    let length = header.utf8.count
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + body
}

func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
}

@Suite("NumpyArray")
struct NumpyArrayTests {
    @Test func read_whenFloat32Matrix_givesShapeAndValues() throws {
        let values: [Float] = [1.5, -2, 3.25, 4, 5, 6]
        let bytes = npyBytes(descriptor: "<f4", shape: "(3, 2)", body: littleEndianBytes(values.map(\.bitPattern)))
        let array = try NumpyArray(bytes: bytes)
        #expect(array.shape == [3, 2] && array.values == values.map(Double.init))
    }

    @Test func read_whenFloat64AndInt64_widensExactly() throws {
        let doubles: [Double] = [0.1, -1e300]
        let first = try NumpyArray(
            bytes: npyBytes(
                descriptor: "<f8", shape: "(2,)", body: littleEndianBytes(doubles.map(\.bitPattern))))
        #expect(first.values == doubles)
        let integers: [Int64] = [65619, -3, 157841]
        let second = try NumpyArray(
            bytes: npyBytes(descriptor: "<i8", shape: "(3,)", body: littleEndianBytes(integers)))
        #expect(second.shape == [3] && second.values == [65619, -3, 157841])
    }

    @Test func read_withRows_keepsThoseRowsInOrder() throws {
        let values: [Int32] = [0, 1, 10, 11, 20, 21]
        let bytes = npyBytes(descriptor: "<i4", shape: "(3, 2)", body: littleEndianBytes(values))
        let array = try NumpyArray(bytes: bytes, rows: [2, 0])
        #expect(array.shape == [2, 2] && array.values == [20, 21, 0, 1])
    }

    @Test func read_whenFortranOrder_givesRowMajorValues() throws {
        // The matrix [[0, 1], [10, 11], [20, 21]] stored column by column.
        let stored: [Int32] = [0, 10, 20, 1, 11, 21]
        let bytes = npyBytes(descriptor: "<i4", shape: "(3, 2)", body: littleEndianBytes(stored), fortranOrder: true)
        #expect(try NumpyArray(bytes: bytes).values == [0, 1, 10, 11, 20, 21])
        #expect(try NumpyArray(bytes: bytes, rows: [1]).values == [10, 11])
    }

    @Test func read_whenBodyIsShort_refuses() {
        let bytes = npyBytes(descriptor: "<f4", shape: "(4,)", body: [0, 0, 0, 0])
        expectFaceError(.morphableModelInvalid) { _ = try NumpyArray(bytes: bytes) }
    }

    @Test func read_whenBigEndian_refuses() {
        let bytes = npyBytes(descriptor: ">f4", shape: "(1,)", body: [0, 0, 0, 0])
        expectFaceError(.morphableModelInvalid) { _ = try NumpyArray(bytes: bytes) }
    }

    @Test func read_whenNotNpy_refuses() {
        expectFaceError(.morphableModelInvalid) { _ = try NumpyArray(bytes: Array("hello world".utf8)) }
    }

    @Test func read_realKeypointIndices_are204InRange() throws {
        let array = try NumpyArray(contentsOf: FaceFixtures.file("3dmm/keypoints_sim.npy"))
        #expect(array.shape == [204])
        #expect(array.values.allSatisfy { $0 >= 0 && $0 < 159_645 })
    }
}
