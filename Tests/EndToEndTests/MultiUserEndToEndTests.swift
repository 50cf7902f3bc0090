import Core
import Foundation
import GlareClient
import Glibc
import Testing

extension EndToEnd {
    /// A shared machine (issue 6): a root glared runs each job as its owner and keeps users out of
    /// each other's jobs; a user's glared serves that user only; waiting users share a group fairly.
    ///
    /// These tests create real users and a group, so they need root.
    @Suite(
        "multi-user",
        // useradd, groupadd and dropping to other users need root; anywhere else there is nothing to test.
        .enabled("they create users with useradd, so they need root") { TestAccounts.canCreate })
    struct MultiUserEndToEndTests {

        @Test func systemDaemon_runsEachJobAsItsOwner_andDeniesOtherUsersTheirJobs() throws {
            let accounts = try TestAccounts()
            defer { expectRemoved(accounts) }
            let harness = try DaemonHarness()
            defer { harness.stop() }
            let data = try startSystemDaemon(harness, accounts: accounts)
            let (owner, other, admin) = (accounts.first, accounts.second, accounts.admin)

            // The owner's job runs as the owner: its directory and every file in it are theirs.
            let id = try harness.submit(["extract", "--dataset", "landmarks:\(data.readable)"], as: owner)
            let job = try harness.waitForJob(id, timeout: .seconds(60)) { $0.state.isFinal }
            #expect(job.state == .succeeded, "\(job)\n\(harness.jobLog(id))\n\(harness.daemonLog())")
            #expect(job.owner == owner.uid)
            let jobDirectory = harness.stateDirectory.appendingPathComponent("jobs/\(id)").path
            let directoryStatus = try fileStatus(jobDirectory)
            #expect(directoryStatus.st_uid == owner.uid, "job directory owner: \(directoryStatus.st_uid)")
            #expect(directoryStatus.st_mode & 0o777 == 0o700, "job directory mode: \(octal(directoryStatus.st_mode))")
            for file in ["log", "results/extraction.json"] {
                let status = try fileStatus("\(jobDirectory)/\(file)")
                #expect(status.st_uid == owner.uid, "\(file) belongs to uid \(status.st_uid), not \(owner)")
                #expect(status.st_mode & 0o077 == 0, "\(file) is open to others: \(octal(status.st_mode))")
            }

            // The owner's landmark cache is theirs and closed too.
            let cacheStatus = try fileStatus(harness.stateDirectory.appendingPathComponent("cache/\(owner.uid)").path)
            #expect(cacheStatus.st_uid == owner.uid && cacheStatus.st_mode & 0o777 == 0o700, "\(cacheStatus)")

            // The owner reads the log and the results through the socket.
            let ownerLog = try harness.ctl(["logs", String(id)], as: owner)
            #expect(ownerLog.status == 0 && !ownerLog.output.isEmpty, "\(ownerLog)")
            let ownerResults = try harness.ctl(["result", String(id)], as: owner)
            #expect(ownerResults.status == 0 && ownerResults.output.contains("extraction.json"), "\(ownerResults)")

            // Another user may see the job in the list, but not touch it.
            let listing = try harness.ctl(["list", "--all"], as: other)
            #expect(listing.status == 0 && listing.output.contains(owner.name), "\(listing)")
            let deniedCommands: [(arguments: [String], operation: String)] = [
                (["logs", String(id)], "logs"), (["result", String(id)], "result"),
                (["result", String(id), "--print", "--file", "extraction.json"], "result"),
                (["cancel", String(id)], "cancel"), (["retry", String(id)], "retry"),
                (["remove", String(id)], "remove"),
            ]
            for command in deniedCommands {
                let result = try harness.ctl(command.arguments, as: other)
                #expect(result.status == ExitStatus.denied.rawValue, "\(result)")
                #expect(result.errorOutput.contains("belongs to \(owner.name)"), "unclear denial: \(result)")
                #expect(result.output.isEmpty, "a denied command printed: \(result)")
            }
            #expect(try harness.show(id).state == .succeeded, "another user's commands changed the job")
            for arguments in [["show", String(id), "--json"], ["list", "--all", "--json"]] {
                let result = try harness.ctl(arguments, as: other)
                #expect(result.status == 0 && !result.output.contains(data.readable), "paths shown: \(result)")
            }

            // Another user may not administer the daemon.
            for arguments in [["drain"], ["resume"], ["set-parallelism", "train", "2"], ["shutdown"]] {
                let result = try harness.ctl(arguments, as: other)
                #expect(result.status == ExitStatus.denied.rawValue, "\(result)")
                #expect(result.errorOutput.contains("admin"), "unclear denial: \(result)")
            }
            #expect(try status(harness).draining == false)

            // The admin reads the owner's log and drains; a job waiting meanwhile is still not another user's to cancel.
            let adminLog = try harness.ctl(["logs", String(id)], as: admin)
            #expect(adminLog.status == 0 && adminLog.output == ownerLog.output, "\(adminLog)")
            let drain = try harness.ctl(["drain"], as: admin)
            #expect(drain.status == 0, "\(drain)")
            #expect(try status(harness).draining == true)
            let waiting = try harness.submit(["extract", "--dataset", "landmarks:\(data.readable)"], as: owner)
            let cancel = try harness.ctl(["cancel", String(waiting)], as: other)
            #expect(cancel.status == ExitStatus.denied.rawValue, "\(cancel)")
            #expect(try harness.show(waiting).state == .queued)
            let resume = try harness.ctl(["resume"], as: admin)
            #expect(resume.status == 0, "\(resume)")
            #expect(try status(harness).draining == false)
            let resumed = try harness.waitForJob(waiting, timeout: .seconds(60)) { $0.state.isFinal }
            #expect(resumed.state == .succeeded, "\(resumed)\n\(harness.jobLog(waiting))")

            // A file only root can read fails the ordinary user's job, for that user, with a reason saying so.
            let secretId = try harness.submit(["extract", "--dataset", "landmarks:\(data.rootOnly)"], as: owner)
            let secret = try harness.waitForJob(secretId, timeout: .seconds(60)) { $0.state.isFinal }
            #expect(secret.state == .failed, "\(secret)\n\(harness.jobLog(secretId))")
            let explanation = (secret.reason ?? "") + harness.jobLog(secretId)
            #expect(explanation.lowercased().contains("permission"), "no permission message: \(explanation)")

            // The admin retrying it does not make it the admin's: it runs as its owner again.
            let retry = try harness.ctl(["retry", String(secretId)], as: admin)
            let retriedId = try #require(Int64(retry.trimmedOutput), "\(retry)")
            let retried = try harness.waitForJob(retriedId, timeout: .seconds(60)) { $0.state.isFinal }
            #expect(retried.owner == owner.uid && retried.state == .failed, "\(retried)")
            let remove = try harness.ctl(["remove", String(retriedId)], as: admin)
            #expect(remove.status == 0, "\(remove)")

            // The queue itself is glared's alone: others may pass through the state directory, not list or read it.
            let stateStatus = try fileStatus(harness.stateDirectory.path)
            #expect(stateStatus.st_mode & 0o066 == 0, "state directory mode \(octal(stateStatus.st_mode))")
            let databaseFiles = try FileManager.default.contentsOfDirectory(atPath: harness.stateDirectory.path)
                .filter { $0.hasPrefix("queue.sqlite") }
            #expect(databaseFiles.contains("queue.sqlite"), "\(databaseFiles)")
            for name in databaseFiles {
                let status = try fileStatus(harness.stateDirectory.appendingPathComponent(name).path)
                #expect(status.st_uid == 0 && status.st_mode & 0o077 == 0, "\(name): \(octal(status.st_mode))")
            }
            #expect(throws: (any Error).self, "user \(other.name) read the queue database") {
                try accounts.runShell("cat '\(harness.stateDirectory.path)/queue.sqlite' > /dev/null", as: other)
            }

            // Every denial is in the daemon's log with the caller's uid and the request.
            let daemonLog = try String(
                contentsOf: harness.directory.appendingPathComponent("glared.log"), encoding: .utf8)
            let denials = daemonLog.split(separator: "\n").filter {
                $0.contains("request denied") && $0.contains("GLARE_UID=\(other.uid)")
            }
            let operations =
                deniedCommands.map(\.operation) + ["drain", "resume", "setParallelism", "shutdown", "cancel"]
            for operation in Set(operations) {
                #expect(
                    denials.contains { $0.contains("GLARE_OPERATION=\(operation)") },
                    "no denial of \(operation) logged for uid \(other.uid); denials: \(denials)")
            }
        }

        @Test func systemDaemon_withTwoUsersWaiting_startsTheSecondUsersJobBeforeTheFirstUsersSecond() throws {
            let accounts = try TestAccounts()
            defer { expectRemoved(accounts) }
            let harness = try DaemonHarness()
            defer { harness.stop() }
            let data = try startSystemDaemon(harness, accounts: accounts)
            let (first, second, admin) = (accounts.first, accounts.second, accounts.admin)

            // Everything waits until both users have submitted, so the order is the scheduler's alone.
            let drain = try harness.ctl(["drain"], as: admin)
            #expect(drain.status == 0, "\(drain)")
            var firstIds: [Int64] = []
            for _ in 0..<3 { firstIds.append(try harness.submit(MultiUserEndToEndTests.tinyTraining, as: first)) }
            let secondId = try harness.submit(MultiUserEndToEndTests.tinyTraining, as: second)
            let parallelism = try harness.ctl(["set-parallelism", "train", "1"], as: admin)
            #expect(parallelism.status == 0, "\(parallelism)")
            let resume = try harness.ctl(["resume"], as: admin)
            #expect(resume.status == 0, "\(resume)")

            let wait = try harness.ctl(["wait"] + (firstIds + [secondId]).map(String.init), timeout: .seconds(120))
            #expect(wait.status == 0, "\(wait)\n\(harness.daemonLog())")
            let firstJobs = try firstIds.map { try harness.show($0) }
            let secondJob = try harness.show(secondId)
            let firstStarts = firstJobs.compactMap(\.startedAt).sorted()
            let secondStart = try #require(secondJob.startedAt, "\(secondJob)")
            try #require(firstStarts.count == 3, "\(firstJobs)")
            #expect(
                secondStart < firstStarts[1],
                "user \(second.name)'s job started at \(secondStart), after \(first.name)'s second at \(firstStarts[1])"
            )
            #expect(firstStarts[0] < secondStart, "the older submission should still go first: \(firstStarts)")

            // The first user's models are not the second's to use, by job id or by name.
            let byId = try harness.ctl(["infer", "--model", String(firstIds[0]), data.readable], as: second)
            #expect(byId.status == ExitStatus.denied.rawValue, "\(byId)")
            #expect(byId.errorOutput.contains("belongs to \(first.name)"), "\(byId)")
            let byName = try harness.ctl(["infer", "--model", "model-\(firstIds[0])", data.readable], as: second)
            #expect(byName.status == ExitStatus.daemonError.rawValue, "\(byName)")
            #expect(byName.errorOutput.contains("no model named"), "\(byName)")
            let daemonLog = try String(
                contentsOf: harness.directory.appendingPathComponent("glared.log"), encoding: .utf8)
            #expect(
                daemonLog.split(separator: "\n").contains {
                    $0.contains("request denied") && $0.contains("GLARE_UID=\(second.uid)")
                        && $0.contains("GLARE_OPERATION=submit")
                }, "the denied model was not logged\n\(harness.daemonLog())")
        }

        @Test func systemDaemon_perUserLimits_holdOneUserBackAndNotTheOther() throws {
            let accounts = try TestAccounts()
            defer { expectRemoved(accounts) }
            let harness = try DaemonHarness()
            defer { harness.stop() }
            _ = try startSystemDaemon(
                harness, accounts: accounts, settings: ["max_queued_per_user = 2", "max_running_per_user = 1"])
            let (first, second, admin) = (accounts.first, accounts.second, accounts.admin)

            // Two waiting jobs are the first user's limit; the second user's count is their own.
            let drain = try harness.ctl(["drain"], as: admin)
            #expect(drain.status == 0, "\(drain)")
            let firstIds = try ["one", "two"].map {
                try harness.submit(MultiUserEndToEndTests.tinyTraining + ["--group", $0], as: first)
            }
            let refused = try harness.ctl(MultiUserEndToEndTests.tinyTraining, as: first)
            #expect(refused.status == ExitStatus.daemonError.rawValue, "\(refused)")
            #expect(refused.errorOutput.contains("queue_full"), "\(refused)")
            let secondId = try harness.submit(MultiUserEndToEndTests.tinyTraining + ["--group", "one"], as: second)

            // Groups one and two each have a free slot, yet the first user runs one job at a time.
            let resume = try harness.ctl(["resume"], as: admin)
            #expect(resume.status == 0, "\(resume)")
            let wait = try harness.ctl(["wait"] + (firstIds + [secondId]).map(String.init), timeout: .seconds(120))
            #expect(wait.status == 0, "\(wait)\n\(harness.daemonLog())")
            let jobs = try firstIds.map { try harness.show($0) }
            let spans = jobs.compactMap { job in job.startedAt.flatMap { start in job.finishedAt.map { (start, $0) } } }
            try #require(spans.count == 2, "\(jobs)")
            let ordered = spans.sorted { $0.0 < $1.0 }
            #expect(ordered[0].1 <= ordered[1].0, "the first user's jobs overlapped: \(ordered)")
        }

        @Test func systemDaemon_adminGroupChangedAndReloaded_revokesAdminRightsAtOnce() throws {
            let accounts = try TestAccounts()
            defer { expectRemoved(accounts) }
            let harness = try DaemonHarness()
            defer { harness.stop() }
            _ = try startSystemDaemon(harness, accounts: accounts)
            let admin = accounts.admin

            let drain = try harness.ctl(["drain"], as: admin)
            #expect(drain.status == 0, "\(drain)")

            // Another group becomes the admin group: the former admin is an ordinary user after SIGHUP.
            let configuration = harness.directory.appendingPathComponent("glared.conf")
            try "admin_group = glaretest_nobody_\(UInt32.random(in: 0...UInt32.max))\n".write(
                to: configuration, atomically: true, encoding: .utf8)
            let pid = try #require(harness.daemonProcessIdentifier)
            #expect(kill(pid, SIGHUP) == 0)
            var resume = try harness.ctl(["resume"], as: admin)
            let deadline = ContinuousClock.now + .seconds(10)
            while resume.status == 0 && ContinuousClock.now < deadline {
                // Undo the resume that still went through, and look again once the reload is done.
                _ = try harness.ctl(["drain"])
                Thread.sleep(forTimeInterval: 0.2)
                resume = try harness.ctl(["resume"], as: admin)
            }
            #expect(resume.status == ExitStatus.denied.rawValue, "\(resume)\n\(harness.daemonLog())")
            #expect(try status(harness).draining == true)
        }

        @Test func systemDaemon_runningWorker_hasItsOwnersIdentityAndNothingMore() throws {
            let accounts = try TestAccounts()
            defer { expectRemoved(accounts) }
            let harness = try DaemonHarness()
            defer { harness.stop() }
            _ = try startSystemDaemon(harness, accounts: accounts)
            let (owner, other) = (accounts.admin, accounts.second)

            // The admin is an ordinary user with one more group: a worker must carry it, and no other.
            let id = try harness.submit(Trainings.long, as: owner)
            let running = try harness.waitForJob(id, timeout: .seconds(60)) { $0.state == .running && $0.pid != nil }
            let pid = try #require(running.pid)
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            let fields = MultiUserEndToEndTests.statusFields(status)
            #expect(fields["Uid"] == Array(repeating: String(owner.uid), count: 4), "\(status)")
            #expect(fields["Gid"] == Array(repeating: String(owner.gid), count: 4), "\(status)")
            let groups = Set(fields["Groups"] ?? [])
            #expect(groups == [String(owner.gid), String(accounts.adminGroupId)], "supplementary groups: \(groups)")
            #expect(fields["CapEff"] == ["0000000000000000"], "\(status)")

            // Its environment is the clean one the operations guide lists, with the owner's home.
            let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let allowed: Set<String> = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "OPENBLAS_NUM_THREADS"]
            let names = variables.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) }
            let unexpected = names.filter { !allowed.contains($0) && !$0.hasPrefix("GLARE_") }
            #expect(unexpected.isEmpty, "the worker inherited \(unexpected)")
            #expect(variables.contains("HOME=\(owner.home)"), "\(variables)")
            #expect(variables.contains("USER=\(owner.name)"), "\(variables)")

            // Another user cannot stop it; its owner can.
            let denied = try harness.ctl(["cancel", String(id)], as: other)
            #expect(denied.status == ExitStatus.denied.rawValue, "\(denied)")
            #expect(try harness.show(id).state == .running)
            let cancel = try harness.ctl(["cancel", String(id)], as: owner)
            #expect(cancel.status == 0, "\(cancel)")
            let cancelled = try harness.waitForJob(id, timeout: .seconds(60)) { $0.state.isFinal }
            #expect(cancelled.state == .cancelled, "\(cancelled)")
        }

        @Test func systemDaemon_linksPlantedInAJobDirectory_revealNothingOfOthers() throws {
            let accounts = try TestAccounts()
            defer { expectRemoved(accounts) }
            let harness = try DaemonHarness()
            defer { harness.stop() }
            let data = try startSystemDaemon(harness, accounts: accounts)
            let owner = accounts.first

            // A directory only root may list, holding a file only root may read.
            let hidden = harness.directory.appendingPathComponent("hidden")
            try FileManager.default.createDirectory(at: hidden, withIntermediateDirectories: true)
            try setMode(0o700, of: hidden.path)
            let secretName = "root-only-name-\(UInt32.random(in: 0...UInt32.max)).txt"
            try "root's secret\n".write(
                to: hidden.appendingPathComponent(secretName), atomically: true, encoding: .utf8)

            let id = try harness.submit(["extract", "--dataset", "landmarks:\(data.readable)"], as: owner)
            let job = try harness.waitForJob(id, timeout: .seconds(60)) { $0.state.isFinal }
            try #require(job.state == .succeeded, "\(job)\n\(harness.jobLog(id))")

            // The job directory is the owner's: they may swap its results and log for links.
            let jobDirectory = harness.stateDirectory.appendingPathComponent("jobs/\(id)").path
            try accounts.runShell(
                "rm -rf '\(jobDirectory)/results' && ln -s '\(hidden.path)' '\(jobDirectory)/results' "
                    + "&& rm -f '\(jobDirectory)/log' && ln -s '\(data.rootOnly)' '\(jobDirectory)/log'",
                as: owner)

            let listing = try harness.ctl(["result", String(id)], as: owner)
            #expect(!listing.output.contains(secretName), "root's directory listed through a link: \(listing)")
            let fetch = try harness.ctl(["result", String(id), "--print", "--file", secretName], as: owner)
            #expect(fetch.status != 0 && !fetch.output.contains("secret"), "\(fetch)")
            let log = try harness.ctl(["logs", String(id)], as: owner)
            #expect(log.status != 0 && !log.output.contains("x_0"), "root's file read through a link: \(log)")

            // A root glared does not look at paths for users: a file in a directory they cannot enter
            // is accepted whether it exists or not, so the answer tells nothing about it.
            for name in [secretName, "missing-\(secretName)"] {
                let path = hidden.appendingPathComponent(name).path
                let submitted = try harness.ctl(["extract", "--dataset", "landmarks:\(path)"], as: owner)
                #expect(submitted.status == 0, "\(submitted)")
            }

            // Removing the job deletes the links, never what they point to.
            let remove = try harness.ctl(["remove", String(id)], as: owner)
            #expect(remove.status == 0, "\(remove)")
            #expect(!FileManager.default.fileExists(atPath: jobDirectory), "the job directory is still there")
            #expect(FileManager.default.fileExists(atPath: hidden.appendingPathComponent(secretName).path))
            #expect(FileManager.default.fileExists(atPath: data.rootOnly))
        }

        @Test func userDaemon_refusesAnotherUid_atConnect() throws {
            let accounts = try TestAccounts()
            defer { expectRemoved(accounts) }
            let harness = try DaemonHarness()
            defer { harness.stop() }
            let (owner, other) = (accounts.first, accounts.second)

            // The owner's daemon keeps its state and socket in a directory of the owner's.
            try setMode(0o755, of: harness.directory.path)
            for path in [harness.directory.path, harness.stateDirectory.path] {
                guard chown(path, owner.uid, owner.gid) == 0 else { throw SystemCallError("chown \(path)") }
            }
            try harness.start(as: owner)

            let socketStatus = try fileStatus(harness.socketPath)
            #expect(socketStatus.st_uid == owner.uid)
            #expect(socketStatus.st_mode & 0o777 == 0o600, "user socket mode \(octal(socketStatus.st_mode))")
            let ownStatus = try harness.ctl(["status"], as: owner)
            #expect(ownStatus.status == 0, "\(ownStatus)")

            // The socket's mode keeps the other user out before glared hears of them.
            let closed = try harness.ctl(["status"], as: other)
            #expect(closed.status == ExitStatus.daemonUnreachable.rawValue, "\(closed)")
            #expect(closed.errorOutput.contains("permission denied"), "\(closed)")

            // Even through a socket opened to everyone, glared itself refuses another uid.
            try setMode(0o666, of: harness.socketPath)
            let refused = try harness.ctl(["status"], as: other)
            #expect(refused.status == ExitStatus.denied.rawValue, "\(refused)")
            #expect(refused.errorOutput.contains("serves only"), "unclear refusal: \(refused)")
            let submitted = try harness.ctl(["extract", "--dataset", "landmarks:/nonexistent.csv"], as: other)
            #expect(submitted.status == ExitStatus.denied.rawValue, "\(submitted)")

            let daemonLog = try String(
                contentsOf: harness.directory.appendingPathComponent("glared.log"), encoding: .utf8)
            #expect(
                daemonLog.split(separator: "\n").contains {
                    $0.contains("connection refused") && $0.contains("GLARE_UID=\(other.uid)")
                }, "no refusal logged for uid \(other.uid)\n\(harness.daemonLog())")
        }
    }
}
