import Core
import Foundation
import Glibc
import Synchronization

// glared: parse, wire, report. Everything it does lives in Core (Daemon and Core/System).

/// Prints `message` to stderr and exits with `status`.
func fail(_ message: String, status: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("glared: \(message)\n".utf8))
    exit(status)
}

SignalWaiter.ignoreBrokenPipes()
umask(0o077)

let commandLine: DaemonCommandLine
do {
    commandLine = try DaemonCommandLine(parsing: Array(CommandLine.arguments.dropFirst()))
} catch {
    fail("\(error)", status: 2)
}
if commandLine.wantsHelp {
    print(DaemonCommandLine.usage)
    exit(0)
}
if commandLine.wantsVersion {
    print("\(Daemon.softwareVersion) (protocol \(WireProtocol.version))")
    exit(0)
}

let environment = ProcessInfo.processInfo.environment
let source = commandLine.configurationSource
let configuration: DaemonConfiguration
do {
    configuration = try DaemonConfiguration.load(path: source.path, required: source.required)
} catch {
    fail("\(error)", status: 2)
}
let paths = commandLine.resolvePaths(configuration: configuration, environment: environment, isRoot: geteuid() == 0)
let log = JournalLog(threshold: configuration.logLevel)

var inheritedListener: Int32?
do {
    let passed = try SystemdNotifier.listenFileDescriptors()
    if passed.count > 1 { log.warning("systemd passed several sockets; glared uses the first") }
    inheritedListener = passed.first
} catch {
    fail("\(error)")
}
if inheritedListener == nil {
    // The socket's directory is made here for a foreground or user daemon; systemd makes /run/glare.
    let directory = URL(fileURLWithPath: paths.socketPath).deletingLastPathComponent().path
    try? FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
}

/// The daemon, once built, for the signal thread; a stop that arrives earlier is remembered.
final class DaemonSlot: Sendable {
    let state = Mutex<(daemon: Daemon?, stopRequested: Bool)>((nil, false))
}
let slot = DaemonSlot()

// Handlers go in before the daemon starts, so a SIGTERM during start-up is not fatal: it is
// honoured as soon as the daemon is up.
do {
    try SignalWaiter.start([SIGTERM, SIGINT, SIGHUP]) { signal in
        let daemon = slot.state.withLock { state -> Daemon? in
            if signal != SIGHUP && state.daemon == nil { state.stopRequested = true }
            return state.daemon
        }
        if signal == SIGHUP {
            // A file that does not parse is logged by the daemon and changes nothing.
            try? daemon?.reload()
        } else {
            daemon?.stop()
        }
    }
} catch {
    fail("\(error)")
}

let daemon: Daemon
do {
    let options = DaemonOptions(
        stateDirectory: URL(fileURLWithPath: paths.stateDirectory, isDirectory: true), socketPath: paths.socketPath,
        configuration: configuration,
        launcher: configuration.launcher == .zygote
            ? ZygoteJobLauncher(workerExecutable: LocalJobLauncher.workerBesideExecutable(), log: log)
            : LocalJobLauncher(workerExecutable: LocalJobLauncher.workerBesideExecutable()),
        log: log, inheritedListener: inheritedListener, configurationFile: source, environment: environment,
        notifiesSystemd: environment["NOTIFY_SOCKET"] != nil)
    daemon = try Daemon(options: options)
    try daemon.start()
} catch {
    // One line on stderr, which systemd also puts in the journal.
    fail("\(error)")
}

let stopRequestedEarly = slot.state.withLock { state -> Bool in
    state.daemon = daemon
    return state.stopRequested
}
if stopRequestedEarly { daemon.stop() }
daemon.waitUntilStopped()
exit(0)
