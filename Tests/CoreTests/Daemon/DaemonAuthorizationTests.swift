import Foundation
import Glibc
import Testing

@testable import Core

/// Who may do what: the daemon's checks for a caller, exercised with callers of chosen identity.
///
/// The daemon takes identities from SO_PEERCRED; here the request handler is given a `Caller`
/// directly (over a socket pair), so the checks can be tested without other Unix users.
@Suite("Daemon authorization")
struct DaemonAuthorizationTests {
    /// Runs one request as `caller` and returns the reply the daemon wrote.
    func reply(to request: Request, as caller: Caller, in harness: DaemonHarness) throws -> Reply? {
        var ends: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0)
        let daemonEnd = SocketConnection(adopting: ends[0])
        let client = RawClient(adopting: SocketConnection(adopting: ends[1]))
        let session = ConnectionSession(daemon: harness.daemon, connection: daemonEnd)
        let handler = RequestHandler(daemon: harness.daemon, caller: caller, session: session)
        _ = try handler.handle(request)
        daemonEnd.close()
        return try client.readReply()
    }

    func stranger(admin: Bool = false) -> Caller {
        Caller(credentials: PeerCredentials(pid: 1, uid: 4242, gid: 4242), name: "stranger", isAdmin: admin)
    }

    @Test func otherUser_cannotTouchAnotherUsersJob() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("quick", "echo secret output")
        let job = try harness.client().submit(name: "quick")
        #expect(try harness.eventually { try harness.client().show(job.id).state == .succeeded })

        let requests: [Request] = [
            .logs(id: job.id, follow: false, fromOffset: 0), .result(id: job.id),
            .fetchFile(id: job.id, name: "x", offset: 0), .retry(id: job.id), .remove(id: job.id),
        ]
        for request in requests {
            let answer = try reply(to: request, as: stranger(), in: harness)
            guard case .error(let code, let message) = answer else {
                Issue.record("\(request.operation) was allowed: \(String(describing: answer))")
                continue
            }
            #expect(code == .denied)
            #expect(message.contains("only its owner or an admin"))
        }
        guard case .batch(let items) = try reply(to: .cancel(ids: [job.id]), as: stranger(), in: harness) else {
            Issue.record("cancel did not answer with a batch")
            return
        }
        #expect(items.first?.error?.code == .denied)
        #expect(try harness.client().show(job.id).state == .succeeded)
    }

    @Test func otherUser_mayListShowAndSeeStatus() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("quick", "true")
        let job = try harness.client().submit(name: "quick")

        guard case .jobs(let jobs, _) = try reply(to: .list(all: true), as: stranger(), in: harness) else {
            Issue.record("list was refused")
            return
        }
        #expect(jobs.map(\.id) == [job.id])
        guard case .job(let shown) = try reply(to: .show(id: job.id), as: stranger(), in: harness) else {
            Issue.record("show was refused")
            return
        }
        // The queue's shape is visible; the owner's paths, options and reasons are not.
        #expect(shown.ownerName == job.ownerName && shown.spec.kind == .extract)
        #expect(shown.spec.dataset == nil && shown.spec.name == nil && shown.spec.inputs.isEmpty)
        #expect(jobs.first?.spec.dataset == nil)
        guard case .job(let own) = try reply(to: .show(id: job.id), as: stranger(admin: true), in: harness) else {
            return
        }
        #expect(own.spec.dataset == "builtin:synthetic" && own.spec.name == "quick")
        guard case .status = try reply(to: .status, as: stranger(), in: harness) else {
            Issue.record("status was refused")
            return
        }
    }

    @Test func adminRequests_needAnAdmin() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }

        for request: Request in [.drain, .resume, .setParallelism(group: "train", count: 4), .reload, .shutdown] {
            guard case .error(let code, let message) = try reply(to: request, as: stranger(), in: harness) else {
                Issue.record("\(request.operation) was allowed for a non-admin")
                continue
            }
            #expect(code == .denied)
            #expect(message.contains("glare-admin"))
        }
        #expect(!harness.daemon.isDraining)

        #expect(try reply(to: .drain, as: stranger(admin: true), in: harness) == .ok)
        #expect(harness.daemon.isDraining)
        guard
            case .status(let status) = try reply(
                to: .setParallelism(group: "train", count: 4), as: stranger(admin: true), in: harness)
        else {
            Issue.record("setParallelism was refused for an admin")
            return
        }
        #expect(status.parallelism["train"] == 4)
        #expect(status.draining)
    }

    @Test func admin_mayCancelAnotherUsersJob() throws {
        var configuration = DaemonHarness.quickConfiguration()
        configuration.parallelism["extract"] = 0
        let harness = try DaemonHarness(configuration: configuration)
        defer { harness.tearDown() }
        let job = try harness.client().submit(name: "waiting")

        guard case .batch(let items) = try reply(to: .cancel(ids: [job.id]), as: stranger(admin: true), in: harness)
        else {
            Issue.record("cancel did not answer")
            return
        }
        #expect(items.first?.job?.state == .cancelled)
    }

    @Test func models_showOnlyTheCallersOwnToNonAdmins() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("trainer", "mkdir -p \"$1/results\" && echo weights > \"$1/results/model.glare\"")
        let job = try harness.client().submit(name: "trainer", kind: .train)
        #expect(try harness.eventually { try harness.client().show(job.id).state == .succeeded })

        guard case .models(let theirs) = try reply(to: .models, as: stranger(), in: harness) else { return }
        #expect(theirs.isEmpty)
        guard case .models(let adminView) = try reply(to: .models, as: stranger(admin: true), in: harness) else {
            return
        }
        #expect(adminView.map(\.jobId) == [job.id])

        let spec = JobSpec(kind: .infer, model: String(job.id), inputs: ["/tmp"])
        guard
            case .error(let code, _) = try reply(
                to: .submit(spec: spec, priority: 0, after: []), as: stranger(), in: harness)
        else {
            Issue.record("a stranger used another user's model")
            return
        }
        #expect(code == .denied)
    }

    @Test func usersDaemon_refusesOtherUidsAtConnect() throws {
        let directory = URL(fileURLWithPath: "/tmp/glare-user-\(UUID().uuidString.prefix(8))", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = DaemonOptions(
            stateDirectory: directory.appendingPathComponent("state"),
            socketPath: directory.appendingPathComponent("s.sock").path,
            launcher: LocalJobLauncher(workerExecutable: "/bin/false"), log: JournalLog(destination: .discard),
            environment: [:], notifiesSystemd: false)
        // The daemon acts as uid 4242's own; this test process (another uid) connects to it.
        options.serviceUid = getuid() + 4242
        let daemon = try Daemon(options: options)
        try daemon.start()
        defer { daemon.stop() }

        var status = stat()
        #expect(stat(options.socketPath, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        let client = try RawClient(path: options.socketPath)
        try client.send(Hello(software: "test"))
        guard case .error(let code, let message) = try client.readReply() else {
            Issue.record("a user's daemon accepted another uid")
            return
        }
        #expect(code == .denied)
        #expect(message.contains("serves only that user"))
        #expect(try client.readFrame() == nil)
    }

    @Test func identify_makesRootAndTheDaemonsOwnUserAdmins() {
        let root = Caller.identify(PeerCredentials(pid: 1, uid: 0, gid: 0), daemonUid: 4000, adminGroup: "glare-admin")
        #expect(root.isAdmin && root.name == "root")
        let owner = Caller.identify(PeerCredentials(pid: 1, uid: 4000, gid: 4000), daemonUid: 4000, adminGroup: "x")
        #expect(owner.isAdmin)
        let other = Caller.identify(
            PeerCredentials(pid: 1, uid: 4001, gid: 4001), daemonUid: 0, adminGroup: "no-such-group-\(getpid())")
        #expect(!other.isAdmin)
        #expect(other.name == "uid 4001")
    }
}
