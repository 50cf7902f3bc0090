import Foundation

/// An array read from a NumPy `.npy` file (format versions 1-3), its elements widened to `Double` and
/// held in C (row-major) order.
///
/// Only what the morphable model needs is read: little-endian (or byte-order-free) float32, float64, int32,
/// int64 and uint8 elements, in C order or (up to two dimensions) Fortran order. Anything else is refused
/// with ``FaceError/Kind/morphableModelInvalid``.
public struct NumpyArray: Sendable, Equatable {
    /// The dimensions, outermost first.
    public var shape: [Int]
    /// The elements in C (row-major) order.
    public var values: [Double]

    /// Creates an array; `values.count` must be the product of `shape`.
    public init(shape: [Int], values: [Double]) {
        precondition(shape.reduce(1, *) == values.count, "values must fill the shape")
        self.shape = shape
        self.values = values
    }

    /// Reads the file at `url`; with `rows`, only those indices of the outermost dimension are kept (in
    /// the order given), which spares widening a large basis when a few of its rows are needed.
    public init(contentsOf url: URL, rows: [Int]? = nil) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw FaceError(.morphableModelMissing, operation: "read npy", path: url.path, detail: "\(error)")
        }
        try self.init(bytes: [UInt8](data), path: url.path, rows: rows)
    }

    /// Parses the bytes of an `.npy` file; `path` only names it in errors; `rows` as for a file.
    public init(bytes: [UInt8], path: String = "<memory>", rows: [Int]? = nil) throws {
        func invalid(_ detail: String) -> FaceError {
            FaceError(.morphableModelInvalid, operation: "read npy", path: path, detail: detail)
        }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw invalid("not an npy file") }

        // Version 1 stores the header length in 2 bytes, versions 2 and 3 in 4.
        let major = bytes[6]
        let headerStart = major == 1 ? 10 : 12
        guard major >= 1 && major <= 3, bytes.count >= headerStart else { throw invalid("npy version \(major)") }
        var headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        if major > 1 { headerLength |= Int(bytes[10]) << 16 | Int(bytes[11]) << 24 }
        guard bytes.count >= headerStart + headerLength else { throw invalid("header runs past the end") }
        let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)

        guard let descriptor = Self.quotedValue(of: "descr", in: header) else { throw invalid("no descr") }
        guard let shape = Self.shapeValue(in: header) else { throw invalid("no shape") }
        // Fortran (column-major) order is read for up to two dimensions, which is what numpy writes for a
        // transposed matrix.
        let columnMajor = header.contains("'fortran_order': True")
        guard !columnMajor || shape.count <= 2 else { throw invalid("Fortran order beyond two dimensions") }
        let count = shape.reduce(1, *)

        let elementSize: Int
        switch descriptor {
        case "<f4", "<i4": elementSize = 4
        case "<f8", "<i8": elementSize = 8
        case "|u1", "<u1": elementSize = 1
        default: throw invalid("element type \(descriptor) is not read")
        }
        let bodyStart = headerStart + headerLength
        guard bytes.count - bodyStart >= count * elementSize else {
            throw invalid("\(count) elements of \(elementSize) bytes need more data than the file holds")
        }

        // The elements to keep: all of them, or the selected rows' runs of `rowLength` elements.
        let rowLength = shape.isEmpty ? 1 : shape.dropFirst().reduce(1, *)
        var keptShape = shape
        if let rows {
            guard !shape.isEmpty, rows.allSatisfy({ (0..<shape[0]).contains($0) }) else {
                throw invalid("a selected row is outside 0..<\(shape.first ?? 0)")
            }
            keptShape[0] = rows.count
        }
        let selectedRows = rows ?? Array(0..<(shape.isEmpty ? 1 : shape[0]))

        var values = [Double](repeating: 0, count: selectedRows.count * rowLength)
        bytes.withUnsafeBytes { raw in
            let body = UnsafeRawBufferPointer(rebasing: raw[bodyStart..<bodyStart + count * elementSize])
            for index in 0..<values.count {
                let row = selectedRows[index / rowLength], column = index % rowLength
                let element = columnMajor ? column * (shape.first ?? 1) + row : row * rowLength + column
                let offset = element * elementSize
                switch descriptor {
                case "<f4":
                    values[index] = Double(
                        Float(
                            bitPattern: UInt32(
                                littleEndian: body.loadUnaligned(
                                    fromByteOffset: offset, as: UInt32.self))))
                case "<f8":
                    values[index] = Double(
                        bitPattern: UInt64(
                            littleEndian: body.loadUnaligned(
                                fromByteOffset: offset, as: UInt64.self)))
                case "<i4":
                    values[index] = Double(
                        Int32(
                            littleEndian: body.loadUnaligned(
                                fromByteOffset: offset, as: Int32.self)))
                case "<i8":
                    values[index] = Double(
                        Int64(
                            littleEndian: body.loadUnaligned(
                                fromByteOffset: offset, as: Int64.self)))
                default:
                    values[index] = Double(body[offset])
                }
            }
        }
        self.init(shape: keptShape, values: values)
    }

    private static func quotedValue(of key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)':") else { return nil }
        let rest = header[keyRange.upperBound...]
        guard let open = rest.firstIndex(of: "'") else { return nil }
        let afterOpen = rest.index(after: open)
        guard let close = rest[afterOpen...].firstIndex(of: "'") else { return nil }
        return String(rest[afterOpen..<close])
    }

    private static func shapeValue(in header: String) -> [Int]? {
        guard let keyRange = header.range(of: "'shape':") else { return nil }
        let rest = header[keyRange.upperBound...]
        guard let open = rest.firstIndex(of: "("), let close = rest.firstIndex(of: ")") else { return nil }
        let inside = rest[rest.index(after: open)..<close]
        let parts = inside.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let dimensions = parts.compactMap { Int($0) }
        return dimensions.count == parts.count ? dimensions : nil
    }
}
