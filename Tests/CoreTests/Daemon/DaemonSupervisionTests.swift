import Foundation
import Glibc
import Testing

@testable import Core

/// Workers as the daemon supervises them: exit statuses, cancel, shutdown and restart, progress.
@Suite("Daemon supervision")
struct DaemonSupervisionTests {
    @Test func worker_runsInItsOwnProcessGroupWithACleanEnvironment() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script(
            "inspect", "ps -o pgid= -p $$ | tr -d ' ' > \"$1/pgid\"; echo $$ > \"$1/pid\"; env | sort > \"$1/env\"")
        let client = try harness.client()
        let job = try client.submit(name: "inspect")
        #expect(try harness.eventually { try client.show(job.id).state == .succeeded })

        let directory = harness.daemon.files.directory(of: job.id).url
        let pgid = try String(contentsOf: directory.appendingPathComponent("pgid"), encoding: .utf8)
        let pid = try String(contentsOf: directory.appendingPathComponent("pid"), encoding: .utf8)
        #expect(
            pgid.trimmingCharacters(in: .whitespacesAndNewlines) == pid.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(pgid.trimmingCharacters(in: .whitespacesAndNewlines) != String(getpgrp()))

        let environment = try String(contentsOf: directory.appendingPathComponent("env"), encoding: .utf8)
        let names = Set(
            environment.split(separator: "\n").compactMap { $0.split(separator: "=").first.map(String.init) })
        #expect(
            names.isSuperset(of: [
                "HOME", "USER", "LOGNAME", "PATH", "LANG", "OPENBLAS_NUM_THREADS", "GLARE_TEST_SCRIPTS",
            ]))
        #expect(environment.contains("OPENBLAS_NUM_THREADS=1\n"))
        // Nothing of the test process's own environment leaks through (the shell adds PWD, SHLVL and _).
        let expected: Set<String> = [
            "HOME", "USER", "LOGNAME", "PATH", "LANG", "OPENBLAS_NUM_THREADS", "GLARE_TEST_SCRIPTS", "PWD", "SHLVL",
            "_",
        ]
        #expect(names.subtracting(expected).isEmpty, "unexpected variables: \(names.subtracting(expected))")
    }

    @Test func exitStatuses_becomeStatesWithReasons() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script(
            "fails",
            "echo '{\"state\":\"failed\",\"reason\":\"no faces found\",\"summary\":{}}' > \"$1/outcome.json\"; exit 1")
        try harness.script("killed", "kill -9 $$")
        try harness.script(
            "summary", "echo '{\"state\":\"succeeded\",\"summary\":{\"accuracy\":0.75}}' > \"$1/outcome.json\"")
        let client = try harness.client()
        let failed = try client.submit(name: "fails")
        let killed = try client.submit(name: "killed")
        let succeeded = try client.submit(name: "summary")

        guard case .batch(let items) = try client.request(.wait(ids: [failed.id, killed.id, succeeded.id])) else {
            Issue.record("wait did not answer")
            return
        }
        #expect(items[0].job?.state == .failed && items[0].job?.reason == "no faces found")
        #expect(items[1].job?.state == .failed && items[1].job?.reason == "killed by signal 9")
        #expect(items[2].job?.state == .succeeded && items[2].job?.summary == ["accuracy": 0.75])
    }

    @Test func cancel_runningJobThatIgnoresSIGTERM_isKilledAfterGraceAndFreesItsSlot() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script("stubborn", "trap '' TERM; echo started; while true; do sleep 0.1; done")
        try harness.script("next", "echo next")
        let client = try harness.client()
        let stubborn = try client.submit(name: "stubborn")
        let next = try client.submit(name: "next")
        #expect(try harness.eventually { try harness.log(of: stubborn.id).contains("started") })

        let started = Date()
        guard case .batch = try client.request(.cancel(ids: [stubborn.id])) else { return }
        #expect(try harness.eventually { try client.show(stubborn.id).state == .cancelled })
        let elapsed = Date().timeIntervalSince(started)
        // grace_seconds is 1: SIGKILL comes after it, not before.
        #expect(elapsed >= 0.9 && elapsed < 5, "cancelled after \(elapsed) s")
        #expect(try harness.eventually { try client.show(next.id).state == .succeeded })
    }

    @Test func cancel_runningCooperativeJob_endsCancelled() throws {
        var configuration = DaemonHarness.quickConfiguration()
        configuration.graceSeconds = 8
        let harness = try DaemonHarness(configuration: configuration)
        defer { harness.tearDown() }
        try harness.script("polite", "trap 'exit 75' TERM; echo ready; while true; do sleep 0.1; done")
        let client = try harness.client()
        let job = try client.submit(name: "polite")
        #expect(try harness.eventually { try harness.log(of: job.id).contains("ready") })
        guard case .batch = try client.request(.cancel(ids: [job.id])) else { return }
        // Well before the 8 s grace period: the job stopped on SIGTERM, no SIGKILL was needed.
        #expect(try harness.eventually(timeout: 5) { try client.show(job.id).state == .cancelled })
    }

    @Test func shutdownThenRestart_interruptsAndResumesTheJob() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        // A stand-in for training: on SIGTERM it records a checkpoint and exits 75; a second run
        // finds the checkpoint and finishes.
        try harness.script(
            "resumable",
            """
            if [ -f "$1/checkpoint" ]; then echo resumed; exit 0; fi
            trap 'echo saved > "$1/checkpoint"; exit 75' TERM
            echo training; while true; do sleep 0.1; done
            """)
        let client = try harness.client()
        let job = try client.submit(name: "resumable", kind: .train)
        #expect(try harness.eventually { try harness.log(of: job.id).contains("training") })

        harness.daemon.stop()
        let stopped = try #require(try harness.daemon.store.job(id: job.id))
        #expect(stopped.state == .interrupted)
        #expect(stopped.reason == WorkerEndDecision.shutdownReason)

        let second = try harness.restarted()
        defer { second.daemon.stop() }
        let client2 = try second.client()
        #expect(try second.eventually { try client2.show(job.id).state == .succeeded })
        let finished = try client2.show(job.id)
        #expect(finished.attempt == 2 && finished.restarts == 1)
        let log = try String(contentsOf: second.daemon.files.directory(of: job.id).log, encoding: .utf8)
        #expect(log.contains("training") && log.contains("resumed"))
    }

    @Test func restart_afterCrash_requeuesGoneWorkersAndFailsExhaustedOnes() throws {
        let directory = URL(fileURLWithPath: "/tmp/glare-daemon-\(UUID().uuidString.prefix(8))", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        // The queue as a crashed daemon left it: two jobs `running` with workers that are gone.
        let stateDirectory = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        do {
            let store = try JobStore(path: stateDirectory.appendingPathComponent("queue.sqlite"))
            var limits = SchedulingLimits()
            limits.groupParallelism["extract"] = 2
            for name in ["fresh", "worn"] {
                _ = try store.submit(
                    spec: JobSpec(kind: .extract, dataset: "builtin:synthetic", name: name), owner: getuid(),
                    ownerName: "test", priority: 0, dependencies: [], limits: limits)
            }
            for _ in 0..<2 {
                let job = try #require(try store.claimNext(limits: limits))
                // A pid that existed with another start time: certainly not this worker.
                try store.markStarted(id: job.id, attempt: job.attempt, pid: getpid(), pidStartTime: 1)
            }
        }

        var configuration = DaemonHarness.quickConfiguration()
        configuration.maxRestarts = 0
        let harness = try DaemonHarness(configuration: configuration, directory: directory)
        let jobs = try harness.daemon.store.list(includeFinished: true)
        harness.daemon.stop()
        #expect(jobs.map(\.state) == [.failed, .failed])
        #expect(jobs.map(\.reason) == ["interrupted", "interrupted"])
        #expect(try harness.daemon.store.runningJobs().isEmpty)
    }

    @Test func restart_afterCrash_requeuesWithRestartsLeftAndStopsLeftoverWorkers() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script(
            "longrun",
            """
            if [ -f "$1/checkpoint" ]; then exit 0; fi
            trap 'echo saved > "$1/checkpoint"; exit 75' TERM
            echo working; while true; do sleep 0.1; done
            """)
        let client = try harness.client()
        let job = try client.submit(name: "longrun")
        #expect(try harness.eventually { try harness.log(of: job.id).contains("working") })
        let running = try client.show(job.id)
        let pid = try #require(running.pid)

        // A crash, as a second daemon sees it: the records say `running` and the worker lives on.
        // (The first daemon is drained so it does not claim the job again meanwhile.) The second
        // daemon stops the leftover worker, which checkpoints, and requeues the job.
        harness.daemon.setDraining(true)
        let leftovers = try Daemon(
            options: DaemonOptions(
                stateDirectory: harness.stateDirectory, socketPath: harness.socketPath + ".2",
                configuration: harness.configuration,
                launcher: LocalJobLauncher(workerExecutable: "/bin/false"), log: JournalLog(destination: .discard),
                environment: [:], notifiesSystemd: false))
        try leftovers.reconcile()
        #expect(!ProcessInspector.isAlive(pid: pid, startTime: try #require(running.pidStartTime)))
        let after = try #require(try leftovers.store.job(id: job.id))
        #expect(after.state == .interrupted)
        #expect(after.restarts == 1)
        #expect(
            FileManager.default.fileExists(
                atPath: harness.daemon.files.directory(of: job.id).url.appendingPathComponent("checkpoint").path))
    }

    @Test func plantedLogLink_failsTheJobAndLeavesItsTargetAlone() throws {
        var configuration = DaemonHarness.quickConfiguration()
        configuration.parallelism["extract"] = 0
        let harness = try DaemonHarness(configuration: configuration)
        defer { harness.tearDown() }
        try harness.script("quick", "echo written")
        let client = try harness.client()
        let job = try client.submit(name: "quick")

        // The owner controls the job directory; a link named `log` points at someone else's file.
        let victim = harness.directory.appendingPathComponent("victim")
        try Data("untouched\n".utf8).write(to: victim)
        let directory = harness.daemon.files.directory(of: job.id)
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: directory.log, withDestinationURL: victim)

        harness.daemon.setParallelism(group: "extract", count: 1)
        #expect(try harness.eventually { try client.show(job.id).state == .failed })
        #expect(try client.show(job.id).reason?.contains("could not start the worker") == true)
        #expect(try String(contentsOf: victim, encoding: .utf8) == "untouched\n")
    }

    @Test func rootDaemon_runsAnotherUsersJobAsThatUser() throws {
        guard getuid() == 0 else {
            print("skipped: running a job as another user needs a root daemon")
            return
        }
        let harness = try DaemonHarness(workerExecutable: try WorkerProcessTests.workerExecutable())
        defer { harness.tearDown() }
        // The daemon's directory must be passable for the user, as /var/lib/glare is (0711).
        #expect(chmod(harness.directory.path, 0o711) == 0)
        let nobody = try #require(try UserAccount.lookup(uid: 65534))

        // Submitted as `nobody` (the store records the socket's uid; here it is set directly).
        // The job reads a model only root may read, so it fails, as that user, with the reason.
        let secret = harness.directory.appendingPathComponent("root-only.glare")
        try Data("secret".utf8).write(to: secret)
        #expect(chmod(secret.path, 0o600) == 0)
        let spec = JobSpec(kind: .evaluate, dataset: "builtin:synthetic?samples=40", modelPath: secret.path)
        let job = try harness.daemon.store.submit(
            spec: spec, owner: nobody.uid, ownerName: nobody.name, priority: 0, dependencies: [],
            limits: SchedulingLimits())
        harness.daemon.schedulerWake.notify()

        let client = try harness.client()
        #expect(try harness.eventually(timeout: 30) { try client.show(job.id).state.isFinal })
        let finished = try client.show(job.id)
        #expect(finished.state == .failed)
        // Root could read the file (and would fail differently: it is not a model); the user cannot.
        let reason = finished.reason ?? ""
        #expect(reason.contains("root-only.glare") && reason.contains("permission"), "reason: \(reason)")

        let directory = harness.daemon.files.directory(of: job.id)
        for url in [directory.url, directory.log, directory.results, directory.outcome] {
            var status = stat()
            #expect(stat(url.path, &status) == 0)
            #expect(status.st_uid == nobody.uid, "\(url.lastPathComponent) belongs to uid \(status.st_uid)")
        }
        #expect(try harness.log(of: job.id).contains("starts as uid \(nobody.uid)"))
    }

    @Test func progressEvents_areStoredWhileTheJobRuns() throws {
        let harness = try DaemonHarness()
        defer { harness.tearDown() }
        try harness.script(
            "progress",
            """
            i=1
            while [ $i -le 3 ]; do
              event='{"phase":"epoch","time":'$i',"done":'$i',"total":3,"metrics":{"loss":0.5}}'
              echo "$event" >> "$1/events.jsonl"
              i=$((i+1)); sleep 0.4
            done
            sleep 4
            """)
        let client = try harness.client()
        let job = try client.submit(name: "progress")
        #expect(try harness.eventually { try client.show(job.id).progress?.done == 3 })
        let progress = try #require(try client.show(job.id).progress)
        #expect(progress.phase == "epoch" && progress.total == 3 && progress.metrics["loss"] == 0.5)
        #expect(try client.show(job.id).state == .running)
    }

    @Test func groups_runUpToTheirParallelism() throws {
        var configuration = DaemonHarness.quickConfiguration()
        configuration.parallelism["extract"] = 2
        let harness = try DaemonHarness(configuration: configuration)
        defer { harness.tearDown() }
        try harness.script("sleeper", "sleep 3")
        let client = try harness.client()
        let ids = try (0..<3).map { _ in try client.submit(name: "sleeper").id }

        #expect(try harness.eventually { try harness.daemon.store.counts()[.running] == 2 })
        usleep(300_000)
        let states = try ids.map { try client.show($0).state }
        #expect(states == [.running, .running, .queued])
        guard case .batch(let items) = try client.request(.wait(ids: ids)) else { return }
        #expect(items.allSatisfy { $0.job?.state == .succeeded })
    }
}
