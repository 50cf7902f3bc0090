import Foundation
import Testing

@testable import Core
@testable import GlareClient

@Suite("DaemonConnection")
struct DaemonConnectionTests {
    static let record = JobRecord(
        id: 12, spec: JobSpec(kind: .train, dataset: "builtin:synthetic"), owner: 1000, ownerName: "ada",
        group: "train", priority: 0, dependencies: [], state: .queued, createdAt: 1_700_000_000)

    @Test func open_exchangesHellos_andSendsRequestsInOrder() throws {
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            guard case .submit(let spec, let priority, let after) = try peer.receiveRequest() else {
                throw FakeDaemonFailure.closedEarly
            }
            #expect(spec.dataset == "builtin:synthetic")
            #expect(priority == 3)
            #expect(after == [7])
            try peer.send(Reply.submitted(DaemonConnectionTests.record))
            #expect(try peer.receiveRequest() == .show(id: 12))
            try peer.send(Reply.job(DaemonConnectionTests.record))
        }
        let connection = try daemon.connect()
        #expect(connection.daemonHello.software == "fake-glared")

        let submitted = try connection.submit(
            JobSpec(kind: .train, dataset: "builtin:synthetic"), priority: 3, after: [7])
        #expect(submitted.id == 12)
        #expect(try connection.show(id: 12) == DaemonConnectionTests.record)
        try daemon.finish()
    }

    @Test func call_whenDaemonAnswersError_throwsErrorReplyWithCode() throws {
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            _ = try peer.receiveRequest()
            try peer.send(Reply.error(code: .notFound, message: "no job 99"))
        }
        let connection = try daemon.connect()
        #expect(throws: ClientError.errorReply(ErrorReply(code: .notFound, message: "no job 99"))) {
            try connection.show(id: 99)
        }
        #expect(ExitStatus(ClientError.errorReply(ErrorReply(code: .notFound, message: ""))) == .notFound)
        try daemon.finish()
    }

    @Test func call_whenReplyDoesNotFitRequest_throwsUnexpectedReply() throws {
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            _ = try peer.receiveRequest()
            try peer.send(Reply.ok)
        }
        let connection = try daemon.connect()
        #expect(throws: ClientError.unexpectedReply(request: "list", replyType: "ok")) {
            try connection.list(all: true)
        }
        try daemon.finish()
    }

    @Test func open_whenDaemonRefusesVersion_throwsItsErrorReply() throws {
        let daemon = try FakeDaemon { peer in
            _ = try peer.receivePayload()
            try peer.send(Reply.error(code: .versionMismatch, message: "protocol version 1 is not supported"))
        }
        #expect(
            throws: ClientError.errorReply(
                ErrorReply(code: .versionMismatch, message: "protocol version 1 is not supported"))
        ) {
            try daemon.connect()
        }
        try daemon.finish()
    }

    /// A daemon at its connection limit answers `busy` and hangs up without reading the hello; a
    /// client whose hello then fails to send must still show the daemon's reason.
    @Test func open_whenDaemonAnswersAndHangsUpBeforeTheHello_throwsItsErrorReply() throws {
        let daemon = try FakeDaemon { peer in
            try peer.send(Reply.error(code: .busy, message: "glared serves 2 connections at most"))
        }
        try daemon.waitForScript()
        defer { daemon.clientSocket.close() }

        #expect(throws: ClientError.errorReply(ErrorReply(code: .busy, message: "glared serves 2 connections at most")))
        {
            try daemon.connect()
        }
    }

    @Test func open_whenDaemonHelloHasOtherVersion_throwsProtocolError() throws {
        let daemon = try FakeDaemon { peer in
            _ = try peer.receivePayload()
            try peer.send(Hello(version: 2))
        }
        #expect(throws: ClientError.protocolError(.versionMismatch(received: 2, supported: 1))) {
            try daemon.connect()
        }
        try daemon.finish()
    }

    @Test func call_whenDaemonClosesInsideAFrame_throwsTruncated() throws {
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            _ = try peer.receiveRequest()
            // A length prefix announcing 100 bytes, then only 3 of them.
            try peer.sendRaw([0, 0, 0, 100, 123, 34, 116])
        }
        let connection = try daemon.connect()
        #expect(throws: ClientError.protocolError(.truncated(receivedBytes: 7, expectedBytes: 104))) {
            try connection.status()
        }
        try daemon.finish()
    }

    @Test func call_whenDaemonClosesBetweenFrames_throwsConnectionClosed() throws {
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            _ = try peer.receiveRequest()
        }
        let connection = try daemon.connect()
        #expect(throws: ClientError.connectionClosed(whileWaitingFor: "the reply to 'status'")) {
            try connection.status()
        }
        try daemon.finish()
    }

    @Test func call_whenDaemonSendsOversizedFrame_throwsFrameTooLarge() throws {
        let daemon = try FakeDaemon { peer in
            try peer.acceptHello()
            _ = try peer.receiveRequest()
            try peer.sendRaw([0x7F, 0xFF, 0xFF, 0xFF])
        }
        let connection = try daemon.connect()
        #expect(
            throws: ClientError.protocolError(.frameTooLarge(length: 0x7FFF_FFFF, limit: WireProtocol.maximumFrameSize))
        ) {
            try connection.models()
        }
        try daemon.finish()
    }

    @Test func open_whenNoSocketFile_throwsUnreachableNamingThePath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("glare-absent-\(UUID()).sock").path
        do {
            _ = try DaemonConnection.open(socketPath: path)
            Issue.record("connecting to a missing socket succeeded")
        } catch {
            guard case .daemonUnreachable(let triedPath, _) = error else {
                Issue.record("expected daemonUnreachable, got \(error)")
                return
            }
            #expect(triedPath == path)
            #expect(error.description.contains(path))
            #expect(ExitStatus(error) == .daemonUnreachable)
        }
    }

    @Test func open_whenSocketFileHasNoListener_throwsUnreachable() throws {
        let listener = try TemporaryListeningSocket()
        listener.stopListening()
        do {
            _ = try DaemonConnection.open(socketPath: listener.path)
            Issue.record("connecting to a socket nobody listens on succeeded")
        } catch {
            guard case .daemonUnreachable(let triedPath, let reason) = error else {
                Issue.record("expected daemonUnreachable, got \(error)")
                return
            }
            #expect(triedPath == listener.path)
            #expect(reason.contains("nothing is listening"))
        }
    }

    @Test func open_overARealSocketPath_completesHello() throws {
        let listener = try TemporaryListeningSocket()
        let served = listener.serveOne { peer in
            try peer.acceptHello()
            #expect(try peer.receiveRequest() == .status)
            try peer.send(Reply.status(StatusReport(counts: [.queued: 2], draining: true, version: "test")))
        }
        let connection = try DaemonConnection.open(socketPath: listener.path, timeout: .seconds(10))
        let status = try connection.status()
        #expect(status.counts[.queued] == 2)
        #expect(status.draining)
        connection.close()
        try served()
    }
}
