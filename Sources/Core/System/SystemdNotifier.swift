import CSystemd
import Foundation

/// The service manager's side channels: readiness and status (`sd_notify`), the watchdog, and
/// sockets passed by socket activation (`sd_listen_fds`).
///
/// Outside systemd (no `NOTIFY_SOCKET`) every notification is a no-op that returns false.
public enum SystemdNotifier {
    /// Sends `state` (newline-separated `KEY=value` assignments) to the service manager.
    ///
    /// - Returns: true when it was sent, false when no manager listens.
    /// - Throws: `SystemCallError` when a manager is configured but sending failed.
    @discardableResult
    public static func notify(_ state: String) throws(SystemCallError) -> Bool {
        let result = sd_notify(0, state)
        guard result >= 0 else { throw SystemCallError("sd_notify", code: -result) }
        return result > 0
    }

    /// `READY=1` with a status line.
    @discardableResult
    public static func ready(status: String) throws(SystemCallError) -> Bool {
        try notify("READY=1\nSTATUS=\(status)")
    }

    /// `STOPPING=1` with a status line.
    @discardableResult
    public static func stopping(status: String) throws(SystemCallError) -> Bool {
        try notify("STOPPING=1\nSTATUS=\(status)")
    }

    /// `RELOADING=1` with the monotonic time systemd asks for, then the caller sends `READY=1`.
    @discardableResult
    public static func reloading() throws(SystemCallError) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        return try notify("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    /// The interval to send `WATCHDOG=1` at: half of `WATCHDOG_USEC`, in seconds; nil without a watchdog.
    public static func watchdogPingInterval() throws(SystemCallError) -> Double? {
        var microseconds: UInt64 = 0
        let result = sd_watchdog_enabled(0, &microseconds)
        guard result >= 0 else { throw SystemCallError("sd_watchdog_enabled", code: -result) }
        guard result > 0, microseconds > 0 else { return nil }
        return Double(microseconds) / 2_000_000
    }

    /// Descriptors passed by socket activation (starting at 3), empty when none were passed.
    ///
    /// The `LISTEN_*` variables are removed from the environment so workers do not see them.
    public static func listenFileDescriptors() throws(SystemCallError) -> [Int32] {
        let count = sd_listen_fds(1)
        guard count >= 0 else { throw SystemCallError("sd_listen_fds", code: -count) }
        return (0..<count).map { SD_LISTEN_FDS_START + $0 }
    }
}
