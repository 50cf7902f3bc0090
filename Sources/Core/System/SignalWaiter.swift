import CGlareSystem
import Foundation
import Glibc

/// Delivers chosen signals to a handler on a thread of its own.
///
/// The signal handlers (in the `CGlareSystem` shim) only write the signal's number to a pipe, the
/// one thing a handler may safely do; a thread reads the pipe and calls the Swift handler. This
/// works whatever threads the runtime started and whatever their signal masks are. Children
/// spawned with `ProcessSpawner` get default dispositions back.
public enum SignalWaiter {
    /// Ignores SIGPIPE for the process: a vanished peer becomes an EPIPE error on its connection.
    public static func ignoreBrokenPipes() {
        _ = signal(SIGPIPE, SIG_IGN)
    }

    /// Installs the handlers for `signals` and starts the thread that calls `handler` with each one.
    public static func start(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) throws(SystemCallError) {
        let readEnd = signals.withUnsafeBufferPointer { glare_signal_pipe_install($0.baseAddress, Int32($0.count)) }
        guard readEnd >= 0 else { throw SystemCallError("install signal handlers") }
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 {
                    handler(Int32(byte))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        thread.name = "glare-signals"
        thread.start()
    }
}
