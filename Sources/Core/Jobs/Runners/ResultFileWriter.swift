import Foundation

/// Writes a job's result files through `AtomicFile`, so a reader never sees half a file, and
/// durably: the daemon records the job succeeded after the worker returns, so the results must
/// be on the disk by then.
enum ResultFileWriter {
    /// Writes `data` to `url` atomically and durably.
    static func write(_ data: Data, to url: URL) throws {
        try AtomicFile.writeDurably([(data, url)])
    }

    /// Writes several files atomically each and durably together (one folder flush for all).
    static func write(_ files: [(data: Data, url: URL)]) throws {
        try AtomicFile.writeDurably(files)
    }

    /// Writes `value` as pretty, key-sorted JSON.
    static func writeJSON(_ value: some Encodable, to url: URL) throws {
        try write(json(value), to: url)
    }

    /// `value` as pretty, key-sorted JSON; a non-finite number becomes the string "nan", "inf"
    /// or "-inf" (JSON has no such numbers).
    static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(value)
    }
}
