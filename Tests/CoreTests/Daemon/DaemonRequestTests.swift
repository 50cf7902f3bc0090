import Foundation
import Glibc
import Testing

@testable import Core

/// The daemon's request handling, driven with raw frames over its real socket.
@Suite("Daemon requests")
struct DaemonRequestTests {
    @Test func submit_listShow_returnTheStoredJob() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("quick", "echo hello from the job")
        let client = try harness.client()

        let job = try client.submit(name: "quick")
        #expect(job.owner == getuid())
        #expect(job.state == .queued)
        #expect(try harness.eventually { try client.show(job.id).state == .succeeded })

        guard case .jobs(let listed, _) = try client.request(.list(all: true)) else {
            Issue.record("list did not answer with jobs")
            return
        }
        #expect(listed.map(\.id) == [job.id])
        guard case .jobs(let waiting, _) = try client.request(.list(all: false)) else { return }
        #expect(waiting.isEmpty)
    }

    @Test func submit_withUnknownModel_isRefusedAndQueuesNothing() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        let client = try harness.client()

        let spec = JobSpec(kind: .infer, model: "no-such-model", inputs: ["/tmp"])
        let reply = try client.request(.submit(spec: spec, priority: 0, after: []))
        guard case .error(let code, let message) = reply else {
            Issue.record("expected an error, got \(reply)")
            return
        }
        #expect(code == .invalidSpec)
        #expect(message.contains("no-such-model"))
        #expect(try harness.daemon.store.list(includeFinished: true).isEmpty)
    }

    @Test func submit_withBadDatasetOrRelativePath_isRefused() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        let client = try harness.client()

        let cases: [(JobSpec, String)] = [
            (JobSpec(kind: .train, dataset: "imagenet:/data"), "unknown dataset kind"),
            (JobSpec(kind: .train), "needs a dataset"),
            (JobSpec(kind: .train, dataset: "folder:relative/path"), "must be absolute"),
            (JobSpec(kind: .train, dataset: "folder:/no/such/folder"), "does not exist"),
            (JobSpec(kind: .train, dataset: "builtin:imagenet"), "no builtin dataset"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic?colour=blue"), "unknown option"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic", epochs: 0), "epochs"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic", variant: "everything"), "variant"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic?samples=999999999999"), "from 1 to 1000000"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic", name: "faces/v2"), "read as a path"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic", name: "17"), "read as a job id"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic", name: String(repeating: "n", count: 101)), "1 to 100"),
            (
                JobSpec(kind: .train, dataset: "builtin:synthetic", options: ["colour": "blue"]),
                "unknown option 'colour'"
            ),
            (JobSpec(kind: .train, dataset: "builtin:synthetic", options: ["heads": "0"]), "heads"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic", options: ["topology": "star"]), "topology"),
            (JobSpec(kind: .infer, model: "x"), "needs files"),
            (
                JobSpec(kind: .infer, model: "x", inputs: ["/tmp"], options: ["biggest": "1"]),
                "unknown option 'biggest'"
            ),
            (JobSpec(kind: .infer, model: "x", inputs: ["/tmp"], options: ["largest": "maybe"]), "largest=maybe"),
            (
                JobSpec(kind: .evaluate, dataset: "builtin:synthetic", options: ["thread": "2"]),
                "unknown option 'thread'"
            ),
            (JobSpec(kind: .evaluate, dataset: "builtin:synthetic", options: ["threads": "0"]), "threads=0"),
            (JobSpec(kind: .extract, dataset: "builtin:synthetic", options: ["foo": "bar"]), "known options: none"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic?samples=1&samples=2"), "given twice"),
            // A group is printed in everyone's `glarectl list`: no escape sequences, no line breaks
            // that would forge rows, no spaces that would shift columns or defeat parallelism.<group>.
            (JobSpec(kind: .train, dataset: "builtin:synthetic", group: "\u{1B}]0;owned\u{7}"), "group"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic", group: "night\n7  root"), "group"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic", group: "x y"), "group"),
            (JobSpec(kind: .train, dataset: "builtin:synthetic", group: "caf\u{85}"), "group"),
            (
                JobSpec(kind: .train, dataset: "builtin:synthetic", options: ["batch_size": "999999999999"]),
                "batch_size"
            ),
        ]
        for (spec, expected) in cases {
            let reply = try client.request(.submit(spec: spec, priority: 0, after: []))
            guard case .error(let code, let message) = reply else {
                Issue.record("expected a refusal for \(spec), got \(reply)")
                continue
            }
            #expect(code == .invalidSpec)
            #expect(message.contains(expected), "message: \(message)")
        }
        #expect(try harness.daemon.store.list(includeFinished: true).isEmpty)
    }

    /// glarectl keeps `--priority` within -1000...1000; a raw request is held to the same.
    @Test func submit_withAPriorityOutOfRange_isRefused() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        let client = try harness.client()

        for priority in [WireProtocol.priorities.upperBound + 1, Int.min] {
            let spec = JobSpec(kind: .train, dataset: "builtin:synthetic")
            let reply = try client.request(.submit(spec: spec, priority: priority, after: []))
            guard case .error(let code, let message) = reply else {
                Issue.record("expected a refusal for priority \(priority), got \(reply)")
                continue
            }
            #expect(code == .invalidSpec)
            #expect(message.contains("priority"), "message: \(message)")
        }
        #expect(try harness.daemon.store.list(includeFinished: true).isEmpty)
    }

    @Test func submit_withModelPathThatIsNotAModel_isRefused() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        let client = try harness.client()
        let bogus = harness.directory.appendingPathComponent("notes.glare")
        try Data("not a model at all, just text".utf8).write(to: bogus)

        for (path, fragment) in [
            (bogus.path, bogus.path), (harness.directory.path + "/missing.glare", "no model file"),
        ] {
            let spec = JobSpec(kind: .infer, model: path, inputs: ["/tmp"])
            guard case .error(let code, let message) = try client.request(.submit(spec: spec, priority: 0, after: []))
            else {
                Issue.record("\(path) was accepted as a model")
                continue
            }
            #expect(code == .invalidSpec)
            #expect(message.contains(fragment), "message: \(message)")
        }
        #expect(try harness.daemon.store.list(includeFinished: true).isEmpty)
    }

    @Test func submit_withModelFromTrainingJob_fillsModelPath() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("trainer", "mkdir -p \"$1/results\" && echo weights > \"$1/results/model.glare\"")
        let client = try harness.client()

        let training = try client.submit(name: "trainer", kind: .train)
        #expect(try harness.eventually { try client.show(training.id).state == .succeeded })
        guard case .models(let models) = try client.request(.models) else {
            Issue.record("models did not answer")
            return
        }
        #expect(models.map(\.name) == ["trainer"])

        for reference in ["trainer", String(training.id)] {
            let spec = JobSpec(kind: .infer, model: reference, inputs: ["/tmp"], name: "quick")
            guard case .submitted(let job) = try client.request(.submit(spec: spec, priority: 0, after: [])) else {
                Issue.record("infer with model \(reference) was refused")
                continue
            }
            #expect(job.spec.modelPath == harness.daemon.files.directory(of: training.id).model.path)
        }
    }

    @Test func cancel_queuedJob_isCancelledAtOnce() throws {
        var configuration = DaemonHarness.quickConfiguration()
        configuration.parallelism["extract"] = 0
        let harness = try DaemonHarness(configuration: configuration)
        defer { harness.tearDown() }
        let client = try harness.client()

        let job = try client.submit(name: "never")
        guard case .batch(let items) = try client.request(.cancel(ids: [job.id, 999])) else {
            Issue.record("cancel did not answer with a batch")
            return
        }
        #expect(items.count == 2)
        #expect(items[0].job?.state == .cancelled)
        #expect(items[1].error?.code == .notFound)
    }

    @Test func malformedFrame_closesOnlyThatConnection() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        let bystander = try harness.client()
        let offender = try harness.client()

        let garbage = Data("this is not json".utf8)
        var frame = Data([0, 0, 0, UInt8(garbage.count)])
        frame.append(garbage)
        try offender.sendRaw(frame)
        let reply = try offender.readReply()
        guard case .error(let code, _) = reply else {
            Issue.record("expected an error reply, got \(String(describing: reply))")
            return
        }
        #expect(code == .badRequest)
        #expect(try offender.readFrame() == nil)

        guard case .status = try bystander.request(.status) else {
            Issue.record("the other connection stopped answering")
            return
        }
        guard case .status = try harness.client().request(.status) else {
            Issue.record("new connections are not answered")
            return
        }
    }

    @Test func oversizedFrame_getsFrameTooLargeAndCloses() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        let client = try harness.client()

        let length = UInt32(WireProtocol.maximumFrameSize + 1)
        try client.sendRaw(
            Data([UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)])
        )
        guard case .error(let code, _) = try client.readReply() else {
            Issue.record("expected an error reply")
            return
        }
        #expect(code == .frameTooLarge)
        #expect(try client.readFrame() == nil)
        guard case .status = try harness.client().request(.status) else {
            Issue.record("the daemon stopped answering")
            return
        }
    }

    @Test func unknownOperation_getsBadRequestAndKeepsTheConnection() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        let client = try harness.client()

        let payload = Data(#"{"op": "explode"}"#.utf8)
        try client.sendRaw(try FrameEncoder().frame(payload: payload))
        guard case .error(let code, let message) = try client.readReply() else {
            Issue.record("expected an error reply")
            return
        }
        #expect(code == .badRequest)
        #expect(message.contains("explode"))
        guard case .status = try client.request(.status) else {
            Issue.record("the connection was closed")
            return
        }
    }

    @Test func requestBeforeHello_isRefusedAndClosed() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        let client = try RawClient(path: harness.socketPath)

        try client.send(Request.status)
        guard case .error(let code, _) = try client.readReply() else {
            Issue.record("expected an error reply")
            return
        }
        #expect(code == .badRequest)
        #expect(try client.readFrame() == nil)
    }

    @Test func wrongVersion_getsVersionMismatch() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        let client = try RawClient(path: harness.socketPath)

        try client.send(Hello(version: WireProtocol.version + 1))
        guard case .error(let code, _) = try client.readReply() else {
            Issue.record("expected an error reply")
            return
        }
        #expect(code == .versionMismatch)
    }

    @Test func logs_ofFinishedJob_streamsTheWholeLogThenEnd() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        // About 600 KB: more than two chunks.
        try harness.script(
            "chatty", "i=0; while [ $i -lt 20000 ]; do echo \"line $i of the job's output\"; i=$((i+1)); done")
        let client = try harness.client()
        let job = try client.submit(name: "chatty")
        #expect(try harness.eventually { try client.show(job.id).state.isFinal })

        try client.send(Request.logs(id: job.id, follow: false, fromOffset: 0))
        let (log, state) = try client.readLogStream()
        let onDisk = try Data(contentsOf: harness.daemon.files.directory(of: job.id).log)
        #expect(state == .succeeded)
        #expect(log == onDisk)
        #expect(String(decoding: log, as: UTF8.self).contains("line 19999 of the job's output"))
    }

    @Test func logs_follow_endsWhenTheJobEnds() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("slow", "echo first; sleep 1; echo second")
        let client = try harness.client()
        let job = try client.submit(name: "slow")

        try client.send(Request.logs(id: job.id, follow: true, fromOffset: 0))
        let (log, state) = try client.readLogStream()
        #expect(state == .succeeded)
        let text = String(decoding: log, as: UTF8.self)
        #expect(text.contains("first\n") && text.contains("second\n"))
    }

    @Test func wait_repliesOnceEveryJobIsFinal() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("ok", "sleep 0.3")
        try harness.script("bad", "exit 3")
        let client = try harness.client()
        let good = try client.submit(name: "ok")
        let bad = try client.submit(name: "bad")

        guard case .batch(let items) = try client.request(.wait(ids: [good.id, bad.id])) else {
            Issue.record("wait did not answer with a batch")
            return
        }
        #expect(items.map { $0.job?.state } == [.succeeded, .failed])
        #expect(items[1].job?.reason == "the worker exited with status 3")
    }

    @Test func resultAndFetchFile_listAndStreamResults_refusingEscapes() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script(
            "writer",
            """
            mkdir -p "$1/results/sub"
            printf 'a,b\\n1,2\\n' > "$1/results/predictions.csv"
            : > "$1/results/sub/empty"
            """)
        let client = try harness.client()
        let job = try client.submit(name: "writer")
        #expect(try harness.eventually { try client.show(job.id).state == .succeeded })

        guard case .files(let files) = try client.request(.result(id: job.id)) else {
            Issue.record("result did not answer with files")
            return
        }
        #expect(files == [ResultFile(name: "predictions.csv", size: 8), ResultFile(name: "sub/empty", size: 0)])

        try client.send(Request.fetchFile(id: job.id, name: "predictions.csv", offset: 2))
        guard case .fileChunk(_, let data, let offset, let isLast) = try client.readReply() else {
            Issue.record("fetchFile did not stream")
            return
        }
        #expect(data == Data("b\n1,2\n".utf8) && offset == 2 && isLast)

        try client.send(Request.fetchFile(id: job.id, name: "sub/empty", offset: 0))
        guard case .fileChunk(_, let empty, _, let emptyIsLast) = try client.readReply() else { return }
        #expect(empty.isEmpty && emptyIsLast)

        for name in ["../spec.json", "/etc/passwd", "sub/../../log"] {
            guard case .error(let code, _) = try client.request(.fetchFile(id: job.id, name: name, offset: 0)) else {
                Issue.record("\(name) was not refused")
                continue
            }
            #expect(code == .badRequest)
        }
    }

    @Test func fetchFile_ofALinkOutOfTheJob_isRefusedAndTheConnectionStays() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        let secret = harness.directory.appendingPathComponent("secret")
        try Data("not for clients".utf8).write(to: secret)
        try harness.script("linker", "mkdir -p \"$1/results\" && ln -s \(secret.path) \"$1/results/leak.txt\"")
        let client = try harness.client()
        let job = try client.submit(name: "linker")
        #expect(try harness.eventually { try client.show(job.id).state == .succeeded })

        guard case .files(let files) = try client.request(.result(id: job.id)) else { return }
        #expect(files.isEmpty)
        let reply = try client.request(.fetchFile(id: job.id, name: "leak.txt", offset: 0))
        guard case .error(_, let message) = reply else {
            Issue.record("the link was followed: \(reply)")
            return
        }
        #expect(!message.contains("not for clients"))
        guard case .status = try client.request(.status) else {
            Issue.record("the connection was closed")
            return
        }
    }

    @Test func remove_deletesTheJobAndItsDirectory() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("quick", "echo done")
        let client = try harness.client()
        let job = try client.submit(name: "quick")
        #expect(try harness.eventually { try client.show(job.id).state == .succeeded })
        let directory = harness.daemon.files.directory(of: job.id).url.path
        #expect(FileManager.default.fileExists(atPath: directory))

        #expect(try client.request(.remove(id: job.id)) == .ok)
        #expect(!FileManager.default.fileExists(atPath: directory))
        guard case .error(let code, _) = try client.request(.show(id: job.id)) else { return }
        #expect(code == .notFound)
    }

    @Test func drainAndResume_stopAndRestartScheduling() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("quick", "echo done")
        let client = try harness.client()

        #expect(try client.request(.drain) == .ok)
        let job = try client.submit(name: "quick")
        usleep(800_000)
        #expect(try client.show(job.id).state == .queued)
        #expect(try client.request(.resume) == .ok)
        #expect(try harness.eventually { try client.show(job.id).state == .succeeded })
    }

    @Test func clientsVanishingWhileFollowing_leaveTheDaemonAnswering() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("endless", "while true; do echo tick; sleep 0.05; done")
        let job = try harness.client().submit(name: "endless")
        #expect(try harness.eventually { try harness.client().show(job.id).state == .running })

        for _ in 0..<50 {
            let follower = try harness.client()
            try follower.send(Request.logs(id: job.id, follow: true, fromOffset: 0))
            _ = try follower.readReply()
            follower.connection.close()
        }
        let client = try harness.client()
        guard case .status(let status) = try client.request(.status) else {
            Issue.record("the daemon stopped answering")
            return
        }
        #expect(status.counts[.running] == 1)
        guard case .batch = try client.request(.cancel(ids: [job.id])) else { return }
        #expect(try harness.eventually { try client.show(job.id).state == .cancelled })
    }
}
