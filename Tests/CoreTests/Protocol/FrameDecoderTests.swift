import Foundation
import Testing

@testable import Core

@Suite("Frame decoder")
struct FrameDecoderTests {
    private func lengthPrefix(_ length: UInt32) -> [UInt8] {
        [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
    }

    @Test func frame_hasBigEndianLengthPrefix() throws {
        let frame = try FrameEncoder().frame(payload: Data(#"{"op":"status"}"#.utf8))
        #expect(Array(frame.prefix(4)) == [0, 0, 0, 15])
        #expect(frame.count == 19)
    }

    @Test func decoder_fedByteByByte_returnsEachFrameOnceComplete() throws {
        let stream = try ProtocolSamples.requests.map { try FrameEncoder().encode($0) }.reduce(Data(), +)
        var decoder = FrameDecoder()
        var decoded: [Request] = []
        var framesCompletedAt: [Int] = []

        for (index, byte) in stream.enumerated() {
            decoder.feed([byte])
            while let request = try decoder.nextMessage(Request.self) {
                decoded.append(request)
                framesCompletedAt.append(index)
            }
        }
        try decoder.finish()
        #expect(decoded == ProtocolSamples.requests)
        #expect(framesCompletedAt.last == stream.count - 1)
    }

    @Test func decoder_withSeveralFramesInOneRead_returnsThemInOrder() throws {
        let encoder = FrameEncoder()
        var decoder = FrameDecoder()
        decoder.feed(try encoder.encode(Hello()) + encoder.encode(Request.status) + encoder.encode(Request.models))
        #expect(try decoder.nextMessage(Hello.self) == Hello())
        #expect(try decoder.nextMessage(Request.self) == .status)
        #expect(try decoder.nextMessage(Request.self) == .models)
        #expect(try decoder.nextMessage(Request.self) == nil)
    }

    @Test func decoder_withOversizedLength_failsAtOnceAndStaysFailed() throws {
        var decoder = FrameDecoder(maximumFrameSize: 1 << 20)
        decoder.feed(lengthPrefix(UInt32(1 << 20) + 1))
        #expect(throws: ProtocolError.frameTooLarge(length: (1 << 20) + 1, limit: 1 << 20)) {
            try decoder.nextFrame()
        }
        decoder.feed(try FrameEncoder().encode(Request.status))
        #expect(throws: ProtocolError.frameTooLarge(length: (1 << 20) + 1, limit: 1 << 20)) {
            try decoder.nextFrame()
        }
        #expect(ProtocolError.frameTooLarge(length: 1, limit: 0).replyCode == .frameTooLarge)
    }

    @Test func decoder_withFrameOfExactlyTheLimit_acceptsIt() throws {
        let head = #"{"op":"status","padding":""#
        let tail = #""}"#
        let padding = String(repeating: "p", count: WireProtocol.maximumFrameSize - head.utf8.count - tail.utf8.count)
        let payload = Data((head + padding + tail).utf8)
        #expect(payload.count == WireProtocol.maximumFrameSize)

        var decoder = FrameDecoder()
        decoder.feed(try FrameEncoder().frame(payload: payload))
        #expect(try decoder.nextMessage(Request.self) == .status)
        #expect(throws: ProtocolError.self) { try FrameEncoder().frame(payload: payload + Data([32])) }
    }

    @Test(arguments: [
        #"{"op": "status""#, "not json at all", "", #"["op", "status"]"#, "42",
    ])
    func decoder_withMalformedJSON_throwsMalformed(text: String) throws {
        var decoder = FrameDecoder()
        decoder.feed(try FrameEncoder().frame(payload: Data(text.utf8)))
        #expect {
            try decoder.nextMessage(Request.self)
        } throws: { error in
            guard case ProtocolError.malformedJSON = error else { return false }
            return (error as! ProtocolError).closesConnection
        }
        // The bad frame was consumed: what follows is read normally.
        decoder.feed(try FrameEncoder().encode(Request.status))
        #expect(try decoder.nextMessage(Request.self) == .status)
    }

    @Test func decoder_withInvalidUTF8_throwsMalformed() throws {
        var decoder = FrameDecoder()
        decoder.feed(try FrameEncoder().frame(payload: Data([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D])))
        #expect(throws: ProtocolError.malformedJSON(detail: "payload is not UTF-8")) {
            try decoder.nextMessage(Request.self)
        }
    }

    @Test func finish_whenStreamEndsInsideTheLengthPrefix_throwsTruncated() throws {
        var decoder = FrameDecoder()
        decoder.feed([0, 0])
        #expect(try decoder.nextFrame() == nil)
        #expect(throws: ProtocolError.truncated(receivedBytes: 2, expectedBytes: 4)) { try decoder.finish() }
    }

    @Test func finish_whenStreamEndsInsideThePayload_throwsTruncated() throws {
        let frame = try FrameEncoder().encode(Request.list(all: true))
        var decoder = FrameDecoder()
        decoder.feed(frame.dropLast(3))
        #expect(try decoder.nextFrame() == nil)
        #expect(throws: ProtocolError.truncated(receivedBytes: frame.count - 3, expectedBytes: frame.count)) {
            try decoder.finish()
        }
    }

    @Test func finish_afterWholeFrames_succeeds() throws {
        var decoder = FrameDecoder()
        decoder.feed(try FrameEncoder().encode(Request.status))
        _ = try decoder.nextFrame()
        try decoder.finish()
    }
}
