import Core
import Foundation
import Glibc

/// A glared started the way a shell or systemd starts it: no signal blocked, default dispositions.
///
/// Foundation's `Process` hands the child the signal mask of the thread that calls `run()`, and
/// the test runner's threads block most signals, SIGTERM among them; a daemon started that way
/// never sees the SIGTERM the tests send. `ProcessSpawner` clears the mask and the dispositions.
final class DaemonProcess {
    /// The daemon's pid.
    let pid: Int32
    private(set) var termination: ProcessTermination?

    /// Starts `executable` with its output appended to the file at `logPath`.
    init(executable: String, arguments: [String], environment: [String: String], logPath: String) throws {
        let log = open(logPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw SystemCallError("open \(logPath)") }
        defer { close(log) }
        pid = try ProcessSpawner.spawn(
            executable: executable, arguments: arguments, environment: environment, outputFileDescriptor: log)
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = waitForExit(timeout: .seconds(10))
        }
    }

    /// Whether it still runs; reaps it once it has ended.
    var isRunning: Bool {
        guard termination == nil else { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return result == 0 }
        let signal = status & 0x7f
        termination = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        return false
    }

    /// Waits until it ended or `timeout` passed; true when it ended.
    func waitForExit(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }
}
