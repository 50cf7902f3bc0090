import Foundation
import Testing

@testable import Core

@Suite("Protocol messages")
struct MessageRoundTripTests {
    @Test func everyRequestCase_isCoveredBySamples() {
        let operations = Set(ProtocolSamples.requests.map(\.operation))
        #expect(operations.count == 17)
    }

    @Test(arguments: ProtocolSamples.requests)
    func request_roundTripsThroughAFrame(request: Request) throws {
        let frame = try FrameEncoder().encode(request)
        var decoder = FrameDecoder()
        decoder.feed(frame)
        let decoded = try decoder.nextMessage(Request.self)
        #expect(decoded == request)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test(arguments: ProtocolSamples.replies)
    func reply_roundTripsThroughAFrame(reply: Reply) throws {
        let frame = try FrameEncoder().encode(reply)
        var decoder = FrameDecoder()
        decoder.feed(frame)
        #expect(try decoder.nextMessage(Reply.self) == reply)
    }

    @Test func request_usesOpDiscriminatorAndFlatFields() throws {
        let payload = try WireProtocol.makeEncoder().encode(Request.cancel(ids: [3, 4]))
        let object = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        #expect(object["op"] as? String == "cancel")
        #expect(object["ids"] as? [Int] == [3, 4])
    }

    @Test func reply_statusCountsTravelAsObjectKeyedByStateName() throws {
        let payload = try WireProtocol.makeEncoder().encode(
            Reply.status(StatusReport(counts: [.queued: 2], draining: false, version: "1")))
        let object = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        let status = try #require(object["status"] as? [String: Any])
        #expect(status["counts"] as? [String: Int] == ["queued": 2])
    }

    @Test func request_withDefaultsOmitted_decodesWithDefaults() throws {
        let payload = Data(#"{"op": "logs", "id": 5}"#.utf8)
        #expect(try FrameDecoder.decode(Request.self, from: payload) == .logs(id: 5, follow: false, fromOffset: 0))
    }

    @Test func request_withUnknownOp_isInvalidMessageNotMalformed() throws {
        let payload = Data(#"{"op": "format-disk"}"#.utf8)
        #expect {
            try FrameDecoder.decode(Request.self, from: payload)
        } throws: { error in
            guard case ProtocolError.invalidMessage(let detail) = error else { return false }
            return detail.contains("format-disk") && !(error as! ProtocolError).closesConnection
        }
    }

    @Test func request_missingField_namesTheField() throws {
        #expect {
            try FrameDecoder.decode(Request.self, from: Data(#"{"op": "show"}"#.utf8))
        } throws: { error in
            guard case ProtocolError.invalidMessage(let detail) = error else { return false }
            return detail.contains("id")
        }
    }

    @Test func progress_withNaNLoss_survivesTheWire() throws {
        var record = ProtocolSamples.record
        record.progress?.metrics["loss"] = .nan
        record.progress?.metrics["grad"] = .infinity
        let frame = try FrameEncoder().encode(Reply.job(record))
        var decoder = FrameDecoder()
        decoder.feed(frame)
        guard case .job(let decoded)? = try decoder.nextMessage(Reply.self) else {
            Issue.record("expected a job reply")
            return
        }
        #expect(decoded.progress?.metrics["loss"]?.isNaN == true)
        #expect(decoded.progress?.metrics["grad"] == .infinity)
    }

    @Test func hello_checksNameAndVersion() throws {
        try Hello().check()
        #expect(throws: ProtocolError.versionMismatch(received: 2, supported: 1)) { try Hello(version: 2).check() }
        var other = Hello()
        other.hello = "http"
        #expect(throws: ProtocolError.self) { try other.check() }

        let payload = try WireProtocol.makeEncoder().encode(Hello())
        let object = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        #expect(object["hello"] as? String == "glare")
        #expect(object["version"] as? Int == 1)
        let wire = Data(#"{"hello": "glare", "version": 1}"#.utf8)
        #expect(try FrameDecoder.decode(Hello.self, from: wire) == Hello())
    }

    @Test func helloRead_whenFirstFrameIsARequest_throwsNotHello() throws {
        let request = try WireProtocol.makeEncoder().encode(Request.status)
        #expect {
            try Hello.read(from: request)
        } throws: { error in
            guard case ProtocolError.notHello = error else { return false }
            return (error as! ProtocolError).closesConnection
        }
        let newer = Data(#"{"hello": "glare", "version": 2, "features": ["x"]}"#.utf8)
        #expect(throws: ProtocolError.versionMismatch(received: 2, supported: 1)) { try Hello.read(from: newer) }
        #expect(ProtocolError.versionMismatch(received: 2, supported: 1).replyCode == .versionMismatch)
        #expect(try Hello.read(from: Data(#"{"hello":"glare","version":1}"#.utf8)).version == 1)
    }

    @Test func storeErrors_mapToReplyCodes() {
        #expect(ErrorReply(StoreError.notFound(id: 3)).code == .notFound)
        #expect(ErrorReply(StoreError.queueLimitReached(owner: 1, limit: 5)).code == .queueFull)
        #expect(
            ErrorReply(StoreError.invalidState(id: 3, state: .succeeded, operation: "cancel")).code == .invalidState)
        let busy = DatabaseError(operation: "step", resultCode: 5, message: "database is locked")
        #expect(ErrorReply(StoreError.database(busy)).code == .busy)
        #expect(ErrorReply(StoreError.notFound(id: 3)).message == "no job 3")
    }
}

extension Request: CustomTestStringConvertible {
    /// The op, naming each argument of a parameterised test.
    public var testDescription: String { operation }
}

extension Reply: CustomTestStringConvertible {
    /// The type, naming each argument of a parameterised test.
    public var testDescription: String { type }
}
