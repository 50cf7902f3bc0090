import Foundation
import Testing

@testable import Core
@testable import GlareClient

@Suite("DaemonConnection streams")
struct DaemonConnectionStreamTests {
    @Test func streamLog_deliversChunksInOrderThroughByteByByteWrites_andReturnsFinalState() throws {
        let lines = (0..<40).map { "epoch \($0) loss 0.\($0)\n" }
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            #expect(try peer.receiveRequest() == .logs(id: 5, follow: true, fromOffset: 0))
            var stream = Data()
            var offset: Int64 = 0
            for line in lines {
                stream += try FrameEncoder().encode(Reply.logChunk(data: Data(line.utf8), offset: offset))
                offset += Int64(line.utf8.count)
            }
            stream += try FrameEncoder().encode(Reply.logEnd(state: .succeeded))
            // The client must reassemble frames however the bytes are cut.
            for byte in stream { try peer.sendRaw([byte]) }
        }
        let connection = try daemon.connect()
        var received = Data()
        var offsets: [Int64] = []
        let state = try connection.streamLog(id: 5, follow: true) { event throws(ClientError) in
            guard case .chunk(let data, let offset) = event else { return }
            #expect(offset == Int64(received.count))
            received += data
            offsets.append(offset)
        }
        #expect(state == .succeeded)
        #expect(String(decoding: received, as: UTF8.self) == lines.joined())
        #expect(offsets.count == lines.count)
        try daemon.finish()
    }

    @Test func streamLog_whenNoBytesForTheIdleInterval_reportsIdle() throws {
        let release = DispatchSemaphore(value: 0)
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            _ = try peer.receiveRequest()
            try peer.send(Reply.logChunk(data: Data("first\n".utf8), offset: 0))
            _ = release.wait(timeout: .now() + 10)
            try peer.send(Reply.logEnd(state: .failed))
        }
        let connection = try daemon.connect()
        var idleCount = 0
        var chunks = 0
        let state = try connection.streamLog(id: 1, follow: true, idleInterval: .milliseconds(20)) {
            event throws(ClientError) in
            switch event {
            case .chunk: chunks += 1
            case .idle:
                idleCount += 1
                if idleCount == 3 { release.signal() }
            }
        }
        #expect(state == .failed)
        #expect(chunks == 1)
        #expect(idleCount >= 3)
        try daemon.finish()
    }

    @Test func streamLog_whenJobIsUnknown_throwsNotFound() throws {
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            _ = try peer.receiveRequest()
            try peer.send(Reply.error(code: .notFound, message: "no job 404"))
        }
        let connection = try daemon.connect()
        #expect(throws: ClientError.errorReply(ErrorReply(code: .notFound, message: "no job 404"))) {
            try connection.streamLog(id: 404, follow: false) { _ throws(ClientError) in }
        }
        try daemon.finish()
    }

    @Test func fetchFile_concatenatesChunksUntilTheLast() throws {
        let content = Data((0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            #expect(try peer.receiveRequest() == .fetchFile(id: 3, name: "model.glare", offset: 0))
            var offset = 0
            while offset < content.count {
                let end = min(offset + WireProtocol.chunkSize, content.count)
                try peer.send(
                    Reply.fileChunk(
                        name: "model.glare", data: content[offset..<end], offset: Int64(offset),
                        isLast: end == content.count))
                offset = end
            }
            // The connection stays usable after the stream.
            #expect(try peer.receiveRequest() == .status)
            try peer.send(Reply.status(StatusReport(counts: [:], draining: false, version: "test")))
        }
        let connection = try daemon.connect()
        var received = Data()
        let count = try connection.fetchFile(id: 3, name: "model.glare") { data throws(ClientError) in received += data
        }
        #expect(count == Int64(content.count))
        #expect(received == content)
        #expect(try connection.status().version == "test")
        try daemon.finish()
    }

    @Test func fetchFile_whenAChunkSkipsBytes_throwsProtocolError() throws {
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            _ = try peer.receiveRequest()
            try peer.send(Reply.fileChunk(name: "metrics.json", data: Data("{\"a\"".utf8), offset: 0, isLast: false))
            try peer.send(Reply.fileChunk(name: "metrics.json", data: Data(":1}".utf8), offset: 9, isLast: true))
        }
        let connection = try daemon.connect()
        do {
            try connection.fetchFile(id: 3, name: "metrics.json") { _ throws(ClientError) in }
            Issue.record("a chunk at the wrong offset was accepted")
        } catch {
            guard case .protocolError(.invalidMessage(let detail)) = error else {
                Issue.record("expected a protocol error, got \(error)")
                return
            }
            #expect(detail.contains("expected metrics.json at 4"))
        }
        try daemon.finish()
    }

    @Test func fetchFile_emptyFile_isOneLastChunk() throws {
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            _ = try peer.receiveRequest()
            try peer.send(Reply.fileChunk(name: "empty.txt", data: Data(), offset: 0, isLast: true))
        }
        let connection = try daemon.connect()
        var calls = 0
        let count = try connection.fetchFile(id: 3, name: "empty.txt") { _ throws(ClientError) in calls += 1 }
        #expect(count == 0)
        #expect(calls == 1)
        try daemon.finish()
    }
}
