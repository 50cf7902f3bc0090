import Foundation
import Testing

@testable import Core

/// glared's configuration file: what it accepts, and the line numbers of what it refuses.
@Suite("Configuration parser")
struct ConfigurationParserTests {
    @Test func parse_goodFile_setsEveryKey() throws {
        let text = """
            # glared settings
            socket = /run/glare/glared.sock
            state_dir = "/var/lib/glare"

            parallelism.train = 2
            parallelism.gpu = 1
            default_parallelism = 3
            grace_seconds = 12.5
            openblas_threads = 2
            max_restarts = 5
            retention_days = 30
            retention_count = 1000
            log_max_bytes = 1048576
            admin_group = lab-admins
            max_queued_per_user = 50
            max_running_per_user = 2
            max_running_per_user_per_group = none
            max_connections = 300
            max_connections_per_user = 16
            idle_seconds = 90
            log_level = notice
            """
        let configuration = try ConfigurationParser.parse(text, path: "glared.conf")
        #expect(configuration.socketPath == "/run/glare/glared.sock")
        #expect(configuration.stateDirectory == "/var/lib/glare")
        #expect(configuration.parallelism == ["train": 2, "infer": 2, "gpu": 1])
        #expect(configuration.defaultParallelism == 3)
        #expect(configuration.graceSeconds == 12.5)
        #expect(configuration.openblasThreads == 2)
        #expect(configuration.maxRestarts == 5)
        #expect(configuration.retentionDays == 30)
        #expect(configuration.retentionCount == 1000)
        #expect(configuration.logMaxBytes == 1_048_576)
        #expect(configuration.adminGroup == "lab-admins")
        #expect(configuration.maxQueuedPerUser == 50)
        #expect(configuration.maxRunningPerUser == 2)
        #expect(configuration.maxRunningPerUserPerGroup == nil)
        #expect(configuration.maxConnections == 300)
        #expect(configuration.maxConnectionsPerUser == 16)
        #expect(configuration.idleSeconds == 90)
        #expect(configuration.logLevel == .notice)

        let limits = configuration.schedulingLimits
        #expect(limits.parallelism(of: "train") == 2 && limits.parallelism(of: "extract") == 3)
        #expect(limits.maxQueuedPerUser == 50)
    }

    @Test func knownKeys_areTheDocumentedKeys_andEachParses() throws {
        let page = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../../docs/configuration.md"),
            encoding: .utf8)
        let documented = Set(
            page.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("| `"), let end = line.dropFirst(3).firstIndex(of: "`") else { return nil }
                return String(line[line.index(line.startIndex, offsetBy: 3)..<end])
            })
        #expect(documented.subtracting(["parallelism.<group>"]) == ConfigurationParser.knownKeys)

        let configuration = try ConfigurationParser.parse("cache_days = 30\n", path: "c.conf")
        #expect(configuration.cacheDays == 30)
        #expect(try ConfigurationParser.parse("cache_days = none\n", path: "c.conf").cacheDays == nil)
        #expect(DaemonConfiguration().cacheDays == 90)
    }

    @Test func parse_emptyText_givesTheDefaults() throws {
        let configuration = try ConfigurationParser.parse("\n# nothing\n\n", path: "empty.conf")
        #expect(configuration == DaemonConfiguration())
        #expect(configuration.parallelism == ["train": 1, "infer": 2])
        #expect(configuration.maxRestarts == 3)
        #expect(configuration.adminGroup == "glare-admin")
    }

    @Test(arguments: [
        ("grace_seconds = 1\nno equals sign here", 2, "expected key = value"),
        ("\n\nwhat = 1", 3, "unknown key what"),
        ("parallelism.train = two", 1, "whole number"),
        ("parallelism.train = -1", 1, "at least 0"),
        ("grace_seconds = soon", 1, "must be a number"),
        ("grace_seconds = 1e23", 1, "at most 86400"),
        ("socket = relative.sock", 1, "absolute path"),
        ("max_restarts = 1\nmax_restarts = 2", 2, "set twice"),
        ("openblas_threads = 0", 1, "at least 1"),
        ("log_level = loud", 1, "log_level"),
        ("max_connections = 0", 1, "at least 1"),
        ("max_connections_per_user = many", 1, "whole number"),
        ("idle_seconds = 0.5", 1, "at least 1"),
        ("cache_days = 0", 1, "at least 1"),
        (" = 3", 1, "missing key"),
    ])
    func parse_badLine_namesFileAndLine(text: String, line: Int, fragment: String) {
        do {
            _ = try ConfigurationParser.parse(text, path: "/etc/glare/glared.conf")
            Issue.record("accepted: \(text)")
        } catch {
            guard case .badLine(let path, let reportedLine, let detail) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(path == "/etc/glare/glared.conf")
            #expect(reportedLine == line)
            #expect(detail.contains(fragment), "detail: \(detail)")
            #expect(error.description.hasPrefix("/etc/glare/glared.conf:\(line): "))
        }
    }

    @Test func load_missingDefaultFile_givesDefaults_missingExplicitFile_fails() throws {
        let missing = "/tmp/glare-no-such-\(UUID().uuidString).conf"
        #expect(try DaemonConfiguration.load(path: missing, required: false) == DaemonConfiguration())
        #expect(throws: ConfigurationError.unreadable(path: missing, detail: "no such file")) {
            _ = try DaemonConfiguration.load(path: missing, required: true)
        }
    }

    @Test func commandLine_parsesAndResolvesPaths() throws {
        let parsed = try DaemonCommandLine(parsing: ["--state-dir", "/srv/glare", "--socket=/tmp/g.sock"])
        #expect(parsed.stateDirectory == "/srv/glare" && parsed.socketPath == "/tmp/g.sock")
        #expect(parsed.configurationSource == (DaemonConfiguration.defaultPath, false))

        let bare = try DaemonCommandLine(parsing: ["--config", "/etc/other.conf"])
        #expect(bare.configurationSource == ("/etc/other.conf", true))
        let systemd = bare.resolvePaths(
            configuration: DaemonConfiguration(),
            environment: ["STATE_DIRECTORY": "/var/lib/glare", "RUNTIME_DIRECTORY": "/run/glare"], isRoot: true)
        #expect(systemd.stateDirectory == "/var/lib/glare" && systemd.socketPath == "/run/glare/glared.sock")

        let user = bare.resolvePaths(
            configuration: DaemonConfiguration(),
            environment: ["HOME": "/home/ada", "XDG_RUNTIME_DIR": "/run/user/1000"],
            isRoot: false)
        #expect(user.stateDirectory == "/home/ada/.local/state/glare")
        #expect(user.socketPath == "/run/user/1000/glare/glared.sock")

        #expect(throws: ConfigurationError.self) { _ = try DaemonCommandLine(parsing: ["--frobnicate"]) }
        #expect(throws: ConfigurationError.self) { _ = try DaemonCommandLine(parsing: ["--socket"]) }
    }
}
