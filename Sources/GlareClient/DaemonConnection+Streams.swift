import FoundationEssentials
import GlareProtocol

/// The two streaming requests: a job's log and a result file, handed over chunk by chunk.
extension DaemonConnection {
    /// What a log stream's reader sees between chunks.
    public enum LogEvent: Sendable, Equatable {
        /// Log bytes starting at byte `offset` of the log.
        case chunk(Data, offset: Int64)
        /// No bytes arrived for the idle interval; the stream is still open.
        case idle
    }

    /// Streams a job's log from `fromOffset`, calling `handle` for each chunk and, when
    /// `idleInterval` is set, once each interval without bytes (to redraw a progress line).
    ///
    /// - Returns: the job's state when the stream ended (final when following).
    /// - Throws: `errorReply` when the daemon refused (unknown job, another user's job); whatever
    ///   `handle` throws, which ends the stream early (the connection is then unusable).
    public func streamLog(
        id: Int64, follow: Bool, fromOffset: Int64 = 0, idleInterval: Duration? = nil,
        handle: (LogEvent) throws(ClientError) -> Void
    ) throws(ClientError) -> JobState {
        let request = Request.logs(id: id, follow: follow, fromOffset: fromOffset)
        try send(request)
        while true {
            guard let reply = try nextReply(timeout: idleInterval, waitingFor: "the log of job \(id)") else {
                try handle(.idle)
                continue
            }
            switch reply {
            case .logChunk(let data, let offset):
                try handle(.chunk(data, offset: offset))
            case .logEnd(let state):
                return state
            case .error(let code, let message):
                throw .errorReply(ErrorReply(code: code, message: message))
            default:
                throw .unexpectedReply(request: request.operation, replyType: reply.type)
            }
        }
    }

    /// Streams result file `name` of job `id` from byte `offset`, calling `handle` with each
    /// chunk's bytes in order.
    ///
    /// - Returns: the number of bytes received.
    /// - Throws: `errorReply` when the daemon refused; `protocolError` when a chunk does not start
    ///   where the previous one ended or names another file.
    @discardableResult
    public func fetchFile(
        id: Int64, name: String, offset: Int64 = 0, handle: (Data) throws(ClientError) -> Void
    ) throws(ClientError) -> Int64 {
        let request = Request.fetchFile(id: id, name: name, offset: offset)
        try send(request)
        var expectedOffset = offset
        while true {
            guard let reply = try nextReply(waitingFor: "file \(name) of job \(id)") else { continue }
            switch reply {
            case .fileChunk(let chunkName, let data, let chunkOffset, let isLast):
                guard chunkName == name, chunkOffset == expectedOffset else {
                    throw .protocolError(
                        .invalidMessage(
                            detail:
                                "chunk of \(chunkName) at byte \(chunkOffset); expected \(name) at \(expectedOffset)"))
                }
                try handle(data)
                expectedOffset += Int64(data.count)
                if isLast { return expectedOffset - offset }
            case .error(let code, let message):
                throw .errorReply(ErrorReply(code: code, message: message))
            default:
                throw .unexpectedReply(request: request.operation, replyType: reply.type)
            }
        }
    }
}
