import Foundation
import Glibc

/// Delivers chosen signals to a handler on a thread of its own, through `sigwait`.
///
/// `blockInThisThread` must run on the main thread before any other thread starts, so every
/// thread inherits the mask and the signals stay pending until the waiter takes them; none can be
/// lost between start-up and the handler being ready, and no handler runs in signal context.
/// Children spawned with `ProcessSpawner` get an empty mask back.
public enum SignalWaiter {
    /// Blocks `signals` in the calling thread (and in threads it starts later).
    public static func blockInThisThread(_ signals: [Int32]) throws(SystemCallError) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        let result = pthread_sigmask(SIG_BLOCK, &set, nil)
        guard result == 0 else { throw SystemCallError("pthread_sigmask", code: result) }
    }

    /// Ignores SIGPIPE for the process: a vanished peer becomes an EPIPE error on its connection.
    public static func ignoreBrokenPipes() {
        _ = signal(SIGPIPE, SIG_IGN)
    }

    /// Starts a thread that waits for `signals` forever and calls `handler` with each one.
    public static func start(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread {
            var set = sigset_t()
            sigemptyset(&set)
            for signal in signals { sigaddset(&set, signal) }
            while true {
                var received: Int32 = 0
                let result = sigwait(&set, &received)
                if result == 0 { handler(received) }
            }
        }
        thread.name = "glare-signals"
        thread.start()
    }
}
