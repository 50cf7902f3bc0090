import Core
import Foundation
import Glibc
import Testing

/// What the multi-user tests share: the system daemon's set-up, the data, and file checks.
extension EndToEnd.MultiUserEndToEndTests {
    /// The whitespace-separated values of each `Name:` line of a `/proc/<pid>/status`.
    static func statusFields(_ text: String) -> [String: [String]] {
        var fields: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let values = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            fields[String(line[..<colon])] = values.map(String.init)
        }
        return fields
    }

    /// A training of a second or two: a few samples, one epoch, a narrow network.
    static let tinyTraining = [
        "train", "--dataset", "builtin:synthetic?samples=200", "--epochs", "1", "--option", "widths0=8",
        "--option", "widths1=8", "--option", "widths2=8", "--option", "head=8",
    ]

    /// The landmark files the jobs read: one anyone may read, one only root may.
    struct LandmarkFiles {
        var readable: String
        var rootOnly: String
    }

    /// Writes the configuration and the data, opens the directory to the users, starts a root glared.
    func startSystemDaemon(
        _ harness: DaemonHarness, accounts: TestAccounts, settings: [String] = []
    ) throws -> LandmarkFiles {
        // The users reach the socket and the data through this directory; the job logs stay closed.
        try setMode(0o755, of: harness.directory.path)
        let configuration = harness.directory.appendingPathComponent("glared.conf")
        let lines = ["admin_group = \(accounts.adminGroup)"] + settings
        try (lines.joined(separator: "\n") + "\n").write(to: configuration, atomically: true, encoding: .utf8)

        let data = harness.directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try setMode(0o755, of: data.path)
        let files = LandmarkFiles(
            readable: data.appendingPathComponent("faces.csv").path,
            rootOnly: data.appendingPathComponent("secret.csv").path)
        try Self.landmarkTable(rows: 6).write(
            toFile: files.readable, atomically: true, encoding: .utf8)
        try setMode(0o644, of: files.readable)
        try Self.landmarkTable(rows: 6).write(
            toFile: files.rootOnly, atomically: true, encoding: .utf8)
        try setMode(0o600, of: files.rootOnly)

        // A root glared opens its socket to every local user itself; authorisation is per request.
        try harness.start(extraArguments: ["--config", configuration.path])
        let socketStatus = try fileStatus(harness.socketPath)
        #expect(socketStatus.st_mode & 0o777 == 0o666, "system socket mode \(octal(socketStatus.st_mode))")
        return files
    }

    /// A landmark CSV in OpenFace's 2D columns with two labels.
    static func landmarkTable(rows: Int) -> String {
        let points = 0..<68
        let header = points.map { "x_\($0)" } + points.map { "y_\($0)" } + ["label"]
        var lines = [header.joined(separator: ",")]
        for row in 0..<rows {
            let values = (0..<136).map { _ in String(format: "%.2f", Double.random(in: 0...200)) }
            lines.append((values + [row.isMultiple(of: 2) ? "happy" : "sad"]).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func status(_ harness: DaemonHarness) throws -> StatusReport {
        let result = try harness.ctl(["status", "--json"])
        guard result.status == 0 else { throw DaemonHarness.Failure(description: "\(result)") }
        return try WireProtocol.makeDecoder().decode(StatusReport.self, from: Data(result.output.utf8))
    }

    func expectRemoved(_ accounts: TestAccounts) {
        let problems = accounts.removeAll()
        #expect(problems.isEmpty, "the test users were not all removed: \(problems)")
    }

    func fileStatus(_ path: String) throws -> stat {
        var status = stat()
        guard lstat(path, &status) == 0 else { throw SystemCallError("lstat \(path)") }
        return status
    }

    func setMode(_ mode: mode_t, of path: String) throws {
        guard chmod(path, mode) == 0 else { throw SystemCallError("chmod \(path)") }
    }

    func octal(_ mode: mode_t) -> String { String(mode & 0o7777, radix: 8) }
}
