import Foundation

/// Writes a job's result files through `AtomicFile`, so a reader never sees half a file.
enum ResultFileWriter {
    /// Writes `data` to `url` atomically.
    static func write(_ data: Data, to url: URL) throws {
        try AtomicFile.write(data, to: url)
    }

    /// Writes `value` as pretty, key-sorted JSON.
    static func writeJSON(_ value: some Encodable, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try write(encoder.encode(value), to: url)
    }
}
