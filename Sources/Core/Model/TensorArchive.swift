import Foundation

/// The binary container of model files and training checkpoints: self-describing, versioned,
/// checksummed, written atomically.
///
/// ```
/// magic            8 bytes   "GLAREMDL" (model) or "GLARECKP" (checkpoint)
/// format version   UInt32 little-endian
/// header length    UInt64 little-endian
/// header           JSON: the caller's metadata plus "tensors": [{"name", "shape"}] in storage order
/// tensors          Float32 little-endian, each tensor's elements row-major, in the header's order
/// checksum         UInt64 little-endian FNV-1a of every byte before it
/// ```
#if _endian(big)
    #error("model files store Float32 little-endian; add byte swapping for big-endian hosts")
#endif

struct TensorArchive {
    /// A named tensor's shape and elements.
    struct Entry: Codable, Equatable {
        /// The tensor's name.
        var name: String
        /// Its shape.
        var shape: [Int]
    }

    /// The current format version; files with a larger one are refused.
    static let formatVersion: UInt32 = 1

    /// The 8-byte file type.
    var magic: String
    /// The caller's metadata, a JSON object, for an archive to write. An archive read from a file
    /// leaves it empty and keeps the header's bytes instead (`storedHeader`): `decode` reads its
    /// fields from those directly.
    var header: [String: Any]
    /// The tensors in storage order.
    var tensors: [(name: String, shape: [Int], values: [Float])]
    /// The header's JSON as read from a file (nil for an archive made in memory).
    ///
    /// Decoding a field straight from these bytes with `JSONDecoder` costs a fraction of what
    /// `JSONSerialization` takes to build `[String: Any]` and write each field back to JSON for the
    /// decoder: about 0.7 ms of the 3 ms a small model took to load, on every inference job.
    var storedHeader: Data? = nil

    /// Encodes and writes the archive to `url` through a temporary file and a rename.
    func write(to url: URL) throws {
        var fullHeader = header
        fullHeader["tensors"] = tensors.map { ["name": $0.name, "shape": $0.shape] as [String: Any] }
        let headerData = try JSONSerialization.data(withJSONObject: fullHeader, options: [.sortedKeys])

        var data = Data(magic.utf8)
        precondition(data.count == 8, "archive magic must be 8 bytes")
        Self.append(Self.formatVersion, to: &data)
        Self.append(UInt64(headerData.count), to: &data)
        data.append(headerData)
        for tensor in tensors {
            precondition(tensor.values.count == tensor.shape.reduce(1, *), "tensor \(tensor.name) size mismatch")
            // Float32 little-endian is the memory layout on every platform glare builds for.
            tensor.values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        Self.append(Self.checksum(data), to: &data)
        do {
            // Durable: a model is a job's result, and a checkpoint is what a resumed job starts from.
            try AtomicFile.writeDurably([(data, url)])
        } catch {
            throw ModelFileError.cannotWrite(path: url.path, reason: "\(error)")
        }
    }

    /// Reads and checks an archive of type `magic` from `url`.
    static func read(from url: URL, magic: String) throws(ModelFileError) -> TensorArchive {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .cannotRead(path: url.path, reason: FileErrorText.reason(for: error, path: url.path))
        }
        let path = url.path
        let prefixLength = 8 + 4 + 8
        guard data.count >= prefixLength else { throw .truncated(path: path) }
        guard data.prefix(8) == Data(magic.utf8) else { throw .notThisKind(path: path, expected: magic) }
        let version: UInt32 = load(data, at: 8)
        guard version <= formatVersion else {
            throw .futureVersion(path: path, found: Int(version), supported: Int(formatVersion))
        }
        guard version >= 1 else { throw .corrupt(path: path, detail: "format version 0") }
        let headerLength: UInt64 = load(data, at: 12)
        guard headerLength <= UInt64(data.count - prefixLength) else { throw .truncated(path: path) }
        let headerEnd = prefixLength + Int(headerLength)
        let storedHeader = Data(data[prefixLength..<headerEnd])
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode(TensorList.self, from: storedHeader).tensors
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.count > 1,
            DecodingError.keyNotFound(_, let context) where context.codingPath.count > 1,
            DecodingError.valueNotFound(_, let context) where context.codingPath.count > 1
        {
            throw .corrupt(path: path, detail: "a tensor entry lacks a name or shape")
        } catch {
            throw .corrupt(path: path, detail: "the header is not the expected JSON")
        }
        guard entries.allSatisfy({ entry in entry.shape.allSatisfy { $0 >= 0 } }) else {
            throw .corrupt(path: path, detail: "a tensor entry lacks a name or shape")
        }
        let elementCount = entries.reduce(0) { $0 + $1.shape.reduce(1, *) }
        let expectedLength = headerEnd + 4 * elementCount + 8
        guard data.count >= expectedLength else { throw .truncated(path: path) }
        guard data.count == expectedLength else {
            throw .corrupt(path: path, detail: "\(data.count - expectedLength) bytes after the checksum")
        }
        let storedChecksum: UInt64 = load(data, at: expectedLength - 8)
        guard storedChecksum == checksum(data.prefix(expectedLength - 8)) else {
            throw .corrupt(path: path, detail: "checksum mismatch")
        }

        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        var offset = headerEnd
        for entry in entries {
            let count = entry.shape.reduce(1, *)
            var values = [Float](repeating: 0, count: count)
            let copied = values.withUnsafeMutableBytes { target in
                data.copyBytes(to: target, from: data.startIndex + offset..<data.startIndex + offset + 4 * count)
            }
            guard copied == 4 * count else {
                throw .corrupt(path: path, detail: "tensor \(entry.name) holds \(copied) of \(4 * count) bytes")
            }
            tensors.append((entry.name, entry.shape, values))
            offset += 4 * count
        }
        return TensorArchive(magic: magic, header: [:], tensors: tensors, storedHeader: storedHeader)
    }

    /// A value decoded from JSON in the header.
    func decode<Value: Decodable>(_ type: Value.Type, key: String, path: String) throws(ModelFileError) -> Value {
        let corrupt = ModelFileError.corrupt(path: path, detail: "header field '\(key)' is missing or unreadable")
        if let storedHeader {
            let decoder = JSONDecoder()
            decoder.userInfo[HeaderField<Value>.keyInfo] = key
            guard let field = try? decoder.decode(HeaderField<Value>.self, from: storedHeader) else { throw corrupt }
            return field.value
        }
        guard let object = header[key],
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed]),
            let value = try? JSONDecoder().decode(Value.self, from: data)
        else { throw corrupt }
        return value
    }

    /// The header decoded in one pass into `Header`, whose `init(from:)` reads the fields it needs.
    ///
    /// A reader that needs several fields parses the header once instead of once a field, as
    /// `decode(_:key:path:)` does. A field that is missing or of another type is refused naming
    /// the field, as `decode(_:key:path:)` names it.
    func decodeHeader<Header: Decodable>(_ type: Header.Type, path: String) throws(ModelFileError) -> Header {
        do {
            let data = try storedHeader ?? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
            return try JSONDecoder().decode(Header.self, from: data)
        } catch let failure as DecodingError {
            let field: CodingKey? =
                switch failure {
                case .keyNotFound(let key, let context): context.codingPath.first ?? key
                case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                    context.codingPath.first
                @unknown default: nil
                }
            guard let field else { throw .corrupt(path: path, detail: "the header is not the expected JSON") }
            throw .corrupt(path: path, detail: "header field '\(field.stringValue)' is missing or unreadable")
        } catch {
            throw .corrupt(path: path, detail: "the header is not the expected JSON")
        }
    }

    /// The header's list of tensors, all `read` needs of it.
    private struct TensorList: Decodable {
        var tensors: [Entry]
    }

    /// One field of a header object, the field's name given in the decoder's `userInfo`.
    private struct HeaderField<Value: Decodable>: Decodable {
        static var keyInfo: CodingUserInfoKey { CodingUserInfoKey(rawValue: "glare.headerField")! }

        var value: Value

        init(from decoder: any Decoder) throws {
            guard let name = decoder.userInfo[Self.keyInfo] as? String, let key = FieldKey(stringValue: name) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no header field named"))
            }
            value = try decoder.container(keyedBy: FieldKey.self).decode(Value.self, forKey: key)
        }
    }

    /// A coding key for any field name.
    private struct FieldKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }

        init?(stringValue: String) { self.stringValue = stringValue }

        init?(intValue: Int) { nil }
    }

    /// A JSON object for the header from an `Encodable` value.
    static func jsonObject<Value: Encodable>(_ value: Value) throws -> Any {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try JSONSerialization.jsonObject(with: encoder.encode(value), options: [.fragmentsAllowed])
    }

    private static func append<Value: FixedWidthInteger>(_ value: Value, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    private static func load<Value: FixedWidthInteger>(_ data: Data, at offset: Int) -> Value {
        var value = Value.zero
        let copied = withUnsafeMutableBytes(of: &value) { target in
            data.copyBytes(
                to: target, from: data.startIndex + offset..<data.startIndex + offset + MemoryLayout<Value>.size)
        }
        // Callers check the length before loading, so a short copy is a bug here, not a bad file.
        precondition(copied == MemoryLayout<Value>.size, "archive field at \(offset) read \(copied) bytes")
        return Value(littleEndian: value)
    }

    /// 64-bit FNV-1a.
    private static func checksum(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        return hash
    }
}

/// Why a model file or checkpoint could not be read or written.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case cannotRead(path: String, reason: String)
    /// The file could not be written.
    case cannotWrite(path: String, reason: String)
    /// The file ends early.
    case truncated(path: String)
    /// The file is of another type (wrong magic).
    case notThisKind(path: String, expected: String)
    /// The file was written by a newer glare.
    case futureVersion(path: String, found: Int, supported: Int)
    /// The file's contents are inconsistent.
    case corrupt(path: String, detail: String)

    /// A short lower-case message.
    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): return "cannot read \(path): \(reason)"
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        case .truncated(let path): return "\(path) is truncated"
        case .notThisKind(let path, let expected): return "\(path) is not a \(expected) file"
        case .futureVersion(let path, let found, let supported):
            return "\(path) has format version \(found); this glare reads up to version \(supported), upgrade glare"
        case .corrupt(let path, let detail): return "\(path) is corrupt: \(detail)"
        }
    }
}
