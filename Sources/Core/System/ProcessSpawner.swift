import CGlareSystem
import Foundation
import Glibc

/// How a child process ended.
public enum ProcessTermination: Sendable, Equatable, CustomStringConvertible {
    /// It called `exit` with this status.
    case exited(Int32)
    /// A signal killed it.
    case signaled(Int32)

    /// `exit status 1` or `killed by signal 9`.
    public var description: String {
        switch self {
        case .exited(let status): return "exit status \(status)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}

/// Starts child processes in process groups of their own and waits for them.
///
/// Foundation's `Process` cannot start a process in a new group, so this goes through
/// `posix_spawn` with `POSIX_SPAWN_SETPGROUP` (in the `CGlareSystem` shim). The child's group id
/// is its pid, so `signalGroup(pid, ...)` reaches the worker and everything it started.
public enum ProcessSpawner {
    /// Starts `executable` with `arguments` and exactly `environment`, its standard output and
    /// error appended to `outputFileDescriptor`, standard input from `inputFileDescriptor` (-1: /dev/null).
    ///
    /// - Returns: the child's pid, which is also its process group id.
    public static func spawn(
        executable: String, arguments: [String], environment: [String: String], outputFileDescriptor: Int32,
        inputFileDescriptor: Int32 = -1
    ) throws(SystemCallError) -> Int32 {
        let argumentList = [executable] + arguments
        let environmentList = environment.keys.sorted().map { "\($0)=\(environment[$0]!)" }
        var cArguments = argumentList.map { strdup($0) } + [nil]
        var cEnvironment = environmentList.map { strdup($0) } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }

        var pid: pid_t = 0
        let result = glare_spawn_in_new_group_with_input(
            executable, &cArguments, &cEnvironment, inputFileDescriptor, outputFileDescriptor, &pid)
        guard result == 0 else { throw SystemCallError("posix_spawn \(executable)", code: result) }
        return pid
    }

    /// Sends `signal` to the process group `groupId`.
    ///
    /// - Returns: false when the group no longer exists (`ESRCH`).
    @discardableResult
    public static func signalGroup(_ groupId: Int32, _ signal: Int32) throws(SystemCallError) -> Bool {
        guard groupId > 1 else { throw SystemCallError("kill group \(groupId)", code: EINVAL) }
        if kill(-groupId, signal) == 0 { return true }
        if errno == ESRCH { return false }
        throw SystemCallError("kill group \(groupId) with signal \(signal)")
    }

    /// Waits for the child `pid` to end and reaps it.
    public static func waitForExit(_ pid: Int32) throws(SystemCallError) -> ProcessTermination {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, 0)
            if result == pid { break }
            if result < 0 && errno == EINTR { continue }
            throw SystemCallError("waitpid \(pid)")
        }
        // The W* macros are not imported: the low 7 bits hold the signal, 0 for a normal exit.
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }
}
