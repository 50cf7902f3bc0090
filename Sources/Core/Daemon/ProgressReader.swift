import Foundation
import Glibc

/// Reads a job's `events.jsonl` incrementally and keeps the newest event.
///
/// Each call reads only the bytes added since the last; a line still being written (no newline
/// yet) waits for the next call. Lines that do not decode are skipped.
public struct ProgressReader: Sendable {
    /// The events file.
    public let path: String
    /// Bytes consumed so far (up to the last complete line).
    public private(set) var offset: Int64 = 0
    /// The newest event read.
    public private(set) var latest: ProgressEvent?
    private var pendingLine: [UInt8] = []

    /// The largest number of bytes one call reads; the rest waits for the next call.
    public static let readLimit = 1 << 20

    /// Creates a reader at the start of `path`.
    public init(path: String) {
        self.path = path
    }

    /// Reads what was appended and returns the newest event among it, or nil when nothing new.
    public mutating func readNew() -> ProgressEvent? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }

        var bytes = [UInt8](repeating: 0, count: 64 * 1024)
        var newest: ProgressEvent?
        var total = 0
        while total < ProgressReader.readLimit {
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            guard count > 0 else { break }
            total += count
            offset += Int64(count)
            for byte in bytes[0..<count] {
                if byte == UInt8(ascii: "\n") {
                    if let event = try? WireProtocol.makeDecoder().decode(ProgressEvent.self, from: Data(pendingLine)) {
                        newest = event
                    }
                    pendingLine.removeAll(keepingCapacity: true)
                } else if pendingLine.count < 64 * 1024 {
                    pendingLine.append(byte)
                }
            }
        }
        if let newest { latest = newest }
        return newest
    }
}
