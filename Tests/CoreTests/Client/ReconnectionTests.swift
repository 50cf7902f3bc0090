import Foundation
import Testing

@testable import Core
@testable import GlareClient

@Suite("Reconnection")
struct ReconnectionTests {
    /// A connect function handing out the given fake daemons' connections in order.
    final class ConnectionSequence {
        private var daemons: [FakeDaemon]
        private(set) var attempts = 0

        init(_ daemons: [FakeDaemon]) { self.daemons = daemons }

        func connect() throws(ClientError) -> DaemonConnection {
            attempts += 1
            guard !daemons.isEmpty else {
                throw .daemonUnreachable(socketPath: "fake", reason: "no socket there")
            }
            return try daemons.removeFirst().connect()
        }
    }

    @Test func follow_whenTheConnectionDropsMidStream_resumesFromTheNextByte() throws {
        let first = try FakeDaemon { peer in
            try peer.acceptHello()
            #expect(try peer.receiveRequest() == .logs(id: 4, follow: true, fromOffset: 0))
            try peer.send(Reply.logChunk(data: Data("abc".utf8), offset: 0))
        }
        let second = try FakeDaemon { peer in
            try peer.acceptHello()
            #expect(try peer.receiveRequest() == .logs(id: 4, follow: true, fromOffset: 3))
            try peer.send(Reply.logChunk(data: Data("def".utf8), offset: 3))
            try peer.send(Reply.logEnd(state: .succeeded))
        }
        let sequence = ConnectionSequence([first, second])
        let follower = LogFollower(
            reconnector: Reconnector(window: .seconds(5), retryInterval: .milliseconds(10), connect: sequence.connect))

        var received = ""
        let state = try follower.follow(id: 4) { event throws(ClientError) in
            if case .chunk(let data, _) = event { received += String(decoding: data, as: UTF8.self) }
        }
        #expect(state == .succeeded)
        #expect(received == "abcdef")
        #expect(sequence.attempts == 2)
        try first.finish()
        try second.finish()
    }

    @Test func follow_whenAStreamEndsOnAWaitingState_followsOn() throws {
        let first = try FakeDaemon { peer in
            try peer.acceptHello()
            _ = try peer.receiveRequest()
            try peer.send(Reply.logChunk(data: Data("epoch 1\n".utf8), offset: 0))
            try peer.send(Reply.logEnd(state: .interrupted))
        }
        let second = try FakeDaemon { peer in
            try peer.acceptHello()
            #expect(try peer.receiveRequest() == .logs(id: 2, follow: true, fromOffset: 8))
            try peer.send(Reply.logEnd(state: .failed))
        }
        let sequence = ConnectionSequence([first, second])
        let follower = LogFollower(
            reconnector: Reconnector(window: .seconds(5), retryInterval: .milliseconds(10), connect: sequence.connect))
        #expect(try follower.follow(id: 2) { _ throws(ClientError) in } == .failed)
        try first.finish()
        try second.finish()
    }

    @Test func follow_whenNoDaemonAtFirst_failsAtOnce() {
        let sequence = ConnectionSequence([])
        let follower = LogFollower(reconnector: Reconnector(window: .seconds(60), connect: sequence.connect))
        let started = ContinuousClock.now
        #expect(throws: ClientError.daemonUnreachable(socketPath: "fake", reason: "no socket there")) {
            try follower.follow(id: 1) { _ throws(ClientError) in }
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(sequence.attempts == 1)
    }

    @Test func reconnect_retriesUntilTheWindowEnds() {
        let sequence = ConnectionSequence([])
        let reconnector = Reconnector(
            window: .milliseconds(300), retryInterval: .milliseconds(20), connect: sequence.connect)
        let started = ContinuousClock.now
        #expect(throws: ClientError.self) { try reconnector.reconnect() }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(5), "elapsed \(elapsed)")
        #expect(sequence.attempts >= 5, "attempts \(sequence.attempts)")
    }

    @Test func call_whenTheConnectionIsLost_asksAgainOnANewOne() throws {
        let record = DaemonConnectionTests.record
        let first = try FakeDaemon { peer in
            try peer.acceptHello()
            #expect(try peer.receiveRequest() == .wait(ids: [12]))
        }
        let second = try FakeDaemon { peer in
            try peer.acceptHello()
            #expect(try peer.receiveRequest() == .wait(ids: [12]))
            try peer.send(Reply.batch([BatchItem(id: 12, job: record)]))
        }
        let sequence = ConnectionSequence([first, second])
        let reconnector = Reconnector(window: .seconds(5), retryInterval: .milliseconds(10), connect: sequence.connect)
        let items = try reconnector.call { connection throws(ClientError) in try connection.wait(ids: [12]) }
        #expect(items == [BatchItem(id: 12, job: record)])
        try first.finish()
        try second.finish()
    }

    @Test func call_whenTheDaemonRefuses_doesNotRetry() throws {
        let only = try FakeDaemon { peer in
            try peer.acceptHello()
            _ = try peer.receiveRequest()
            try peer.send(Reply.error(code: .denied, message: "not yours"))
        }
        let sequence = ConnectionSequence([only])
        let reconnector = Reconnector(window: .seconds(5), connect: sequence.connect)
        #expect(throws: ClientError.errorReply(ErrorReply(code: .denied, message: "not yours"))) {
            try reconnector.call { connection throws(ClientError) in try connection.wait(ids: [1]) }
        }
        #expect(sequence.attempts == 1)
        try only.finish()
    }
}
