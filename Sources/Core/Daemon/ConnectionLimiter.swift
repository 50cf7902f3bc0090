import Synchronization

/// How many connections glared serves at once, in all and for one user, so that no user can take
/// every thread (each connection has one) from the others.
///
/// Root is held to the total only: the administrator and the test harnesses may need many.
// TODO(connections): make both limits configuration values; a large lab may want more per user.
final class ConnectionLimiter: Sendable {
    /// Connections served at once, for all users together.
    static let totalLimit = 1024
    /// Connections served at once for one user other than root.
    static let perUserLimit = 64

    private let open = Mutex<(total: Int, byUser: [UInt32: Int])>((0, [:]))

    /// Counts a connection of `uid` in, or says why it cannot be served now.
    ///
    /// - Returns: nil when admitted (then `release(uid)` must follow), else the reason to send.
    func admit(uid: UInt32) -> String? {
        open.withLock { state in
            if state.total >= Self.totalLimit {
                return "glared serves \(Self.totalLimit) connections at most; try again shortly"
            }
            let mine = state.byUser[uid, default: 0]
            if uid != 0 && mine >= Self.perUserLimit {
                return "uid \(uid) has \(Self.perUserLimit) connections open already; close some first"
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
