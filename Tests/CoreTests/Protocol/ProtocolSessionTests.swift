import Foundation
import Testing

@testable import Core

/// A whole conversation as the two ends see it, bytes passed through in odd-sized pieces.
@Suite("Protocol session")
struct ProtocolSessionTests {
    @Test func session_helloThenRequestThenLogStream_readsInOrder() throws {
        let encoder = FrameEncoder()
        var daemonSide = FrameDecoder()
        var clientSide = FrameDecoder()

        // Client: hello and a follow-logs request, written back to back.
        daemonSide.feed(
            try encoder.encode(Hello(software: "glarectl test"))
                + encoder.encode(
                    Request.logs(id: 7, follow: true, fromOffset: 0)))
        let hello = try Hello.read(from: try #require(try daemonSide.nextFrame()))
        #expect(hello.software == "glarectl test")
        let request = try daemonSide.nextMessage(Request.self)
        #expect(request == .logs(id: 7, follow: true, fromOffset: 0))

        // Daemon: its hello, then the log in chunks no larger than the protocol's chunk size, then the end.
        let log = Data((0..<(WireProtocol.chunkSize * 2 + 1000)).map { UInt8(truncatingIfNeeded: $0 * 31) })
        var outgoing = try encoder.encode(Hello(software: "glared test"))
        var offset = 0
        while offset < log.count {
            let chunk = log[offset..<min(offset + WireProtocol.chunkSize, log.count)]
            outgoing += try encoder.encode(Reply.logChunk(data: Data(chunk), offset: Int64(offset)))
            offset += chunk.count
        }
        outgoing += try encoder.encode(Reply.logEnd(state: .succeeded))

        var pieces = outgoing[...]
        var received = Data()
        var ended: JobState?
        var sawHello = false
        var generator = SeededGenerator(seed: 99)
        while !pieces.isEmpty {
            let length = min(Int.random(in: 1...100_000, using: &generator), pieces.count)
            clientSide.feed(pieces.prefix(length))
            pieces = pieces.dropFirst(length)
            if !sawHello, let payload = try clientSide.nextFrame() {
                _ = try Hello.read(from: payload)
                sawHello = true
            }
            while sawHello, let reply = try clientSide.nextMessage(Reply.self) {
                switch reply {
                case .logChunk(let data, let chunkOffset):
                    #expect(chunkOffset == Int64(received.count), "chunks must arrive in order without gaps")
                    received += data
                case .logEnd(let state):
                    ended = state
                default:
                    Issue.record("unexpected reply \(reply.type)")
                }
            }
        }
        try clientSide.finish()
        #expect(received == log)
        #expect(ended == .succeeded)
    }

    @Test func chunkReply_ofFullChunkSize_fitsInAFrame() throws {
        let chunk = Data(repeating: 0xFF, count: WireProtocol.chunkSize)
        let frame = try FrameEncoder().encode(
            Reply.fileChunk(name: String(repeating: "n", count: 255), data: chunk, offset: .max, isLast: false))
        #expect(frame.count - WireProtocol.lengthPrefixSize <= WireProtocol.maximumFrameSize)
    }
}
