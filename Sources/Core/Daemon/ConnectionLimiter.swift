import Synchronization

/// How many connections glared serves at once, in all and for one user, so that no user can take
/// every thread (each connection has one) from the others.
///
/// Root is held to the total only: the administrator and the test harnesses may need many. The
/// limits are the configuration's `max_connections` and `max_connections_per_user`, read at each
/// admission, so a reload changes them for the connections that come next.
final class ConnectionLimiter: Sendable {
    private let open = Mutex<(total: Int, byUser: [UInt32: Int])>((0, [:]))

    /// Counts a connection of `uid` in, or says why it cannot be served now.
    ///
    /// - Parameters:
    ///   - totalLimit: connections served at once, for all users together.
    ///   - perUserLimit: connections served at once for one user other than root.
    /// - Returns: nil when admitted (then `release(uid)` must follow), else the reason to send.
    func admit(uid: UInt32, totalLimit: Int, perUserLimit: Int) -> String? {
        open.withLock { state in
            if state.total >= totalLimit {
                return "glared serves \(totalLimit) connections at most; try again shortly"
            }
            let mine = state.byUser[uid, default: 0]
            if uid != 0 && mine >= perUserLimit {
                return "uid \(uid) has \(perUserLimit) connections open already; close some first"
            }
            state.total += 1
            state.byUser[uid] = mine + 1
            return nil
        }
    }

    /// Counts a connection admitted for `uid` out.
    func release(uid: UInt32) {
        open.withLock { state in
            state.total -= 1
            let left = state.byUser[uid, default: 1] - 1
            state.byUser[uid] = left > 0 ? left : nil
        }
    }
}
