import Foundation

/// Wakes threads that wait for "something changed" (a job's state, the queue).
///
/// A generation counter makes a change between a waiter's check and its wait impossible to miss.
/// Waiters also time out, so a missed notification costs at most one timeout, never a hang.
public final class ChangeNotifier: @unchecked Sendable {
    // @unchecked: `generation` is only touched under `condition`'s lock.
    private let condition = NSCondition()
    private var generation: UInt64 = 0

    /// Creates a notifier.
    public init() {}

    /// The current generation; pass it to `wait(after:timeout:)`.
    public var current: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return generation
    }

    /// Records a change and wakes every waiter.
    public func notify() {
        condition.lock()
        generation &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the generation moved past `seen` or `timeout` seconds passed.
    ///
    /// - Returns: the generation now.
    @discardableResult
    public func wait(after seen: UInt64, timeout: Double) -> UInt64 {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while generation == seen {
            if !condition.wait(until: deadline) { break }
        }
        return generation
    }
}
