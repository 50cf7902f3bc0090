import Foundation
import Glibc

/// The streaming requests: a job's log (optionally followed) and its result files.
///
/// Bytes go from the file to the socket a chunk at a time (`WireProtocol.chunkSize`); nothing is
/// read whole into memory, so a job's gigabytes of output cost the daemon one chunk per stream.
extension RequestHandler {
    /// Seconds between looks at a followed log that has not grown.
    static let followPollInterval = 0.2

    /// Sends the log from `fromOffset`; with `follow`, keeps sending until the job is final.
    func streamLog(id: Int64, follow: Bool, fromOffset: Int64) throws {
        let job = try managedJob(id, operation: "logs", action: "read its log")
        guard fromOffset >= 0 else { throw ErrorReply(code: .badRequest, message: "fromOffset must not be negative") }
        let path = daemon.files.directory(of: job.id).log.path
        var offset = fromOffset
        var descriptor: Int32? = try daemon.files.openForReading(path, owner: job.owner)
        defer { if let descriptor { close(descriptor) } }

        while true {
            // The state is read before the file: a job found final has no more output to come, so
            // draining the file after this look sends everything.
            let state = try self.job(id).state
            if descriptor == nil { descriptor = try daemon.files.openForReading(path, owner: job.owner) }
            if let descriptor { offset = try sendLogChunks(from: descriptor, offset: offset) }

            if !follow || state.isFinal {
                try session.send(.logEnd(state: state))
                return
            }
            // Between looks, notice a client that went away (its end reads as closed).
            if try session.socket.waitUntilReadable(timeout: RequestHandler.followPollInterval) { throw StreamAbort() }
        }
    }

    /// Sends every byte from `offset` to the current end as `logChunk`s; returns the new offset.
    private func sendLogChunks(from descriptor: Int32, offset: Int64) throws -> Int64 {
        var offset = offset
        var buffer = [UInt8](repeating: 0, count: WireProtocol.chunkSize)
        while true {
            let count = try readChunk(descriptor, into: &buffer, at: offset)
            guard count > 0 else { return offset }
            try session.send(.logChunk(data: Data(buffer[0..<count]), offset: offset))
            offset += Int64(count)
        }
    }

    /// Sends a result file from `offset` as `fileChunk`s, the last with `isLast`.
    func streamResultFile(id: Int64, name: String, offset: Int64) throws {
        let job = try managedJob(id, operation: "fetchFile", action: "read its results")
        guard Self.isSafeResultName(name) else {
            throw ErrorReply(code: .badRequest, message: "result file names are relative to results/ without '..'")
        }
        guard offset >= 0 else { throw ErrorReply(code: .badRequest, message: "offset must not be negative") }
        let path = daemon.files.directory(of: job.id).results.appendingPathComponent(name).path
        guard let descriptor = try daemon.files.openForReading(path, owner: job.owner) else {
            throw ErrorReply(code: .notFound, message: "job \(id) has no result file \(name)")
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SystemCallError("fstat \(path)") }
        // The size is fixed when the stream starts; a result still being written is sent as it was.
        let size = Int64(status.st_size)
        var position = min(offset, size)
        var buffer = [UInt8](repeating: 0, count: WireProtocol.chunkSize)
        repeat {
            let wanted = Int(min(Int64(buffer.count), size - position))
            let count = wanted == 0 ? 0 : try readChunk(descriptor, into: &buffer, at: position, limit: wanted)
            let isLast = count == 0 || position + Int64(count) >= size
            try session.send(.fileChunk(name: name, data: Data(buffer[0..<count]), offset: position, isLast: isLast))
            position += Int64(count)
            if isLast { return }
        } while true
    }

    /// The result files of `job`, relative to its `results/`, regular files only, sorted by name.
    func resultFiles(of job: JobRecord) throws -> [ResultFile] {
        let root = daemon.files.directory(of: job.id).results
        guard
            let enumerator = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .isSymbolicLinkKey])
        else { return [] }
        var files: [ResultFile] = []
        let prefix = root.resolvingSymlinksInPath().path + "/"
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey, .isSymbolicLinkKey])
            guard values?.isRegularFile == true, values?.isSymbolicLink != true else { continue }
            let full = url.resolvingSymlinksInPath().path
            guard full.hasPrefix(prefix) else { continue }
            files.append(ResultFile(name: String(full.dropFirst(prefix.count)), size: Int64(values?.fileSize ?? 0)))
        }
        return files.sorted { $0.name < $1.name }
    }

    /// Whether `name` stays inside `results/`.
    static func isSafeResultName(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains("\0") else { return false }
        return !name.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }

    private func readChunk(
        _ descriptor: Int32, into buffer: inout [UInt8], at offset: Int64, limit: Int? = nil
    )
        throws -> Int
    {
        let wanted = limit ?? buffer.count
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, off_t(offset)) }
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw SystemCallError("read a job file")
        }
    }
}
