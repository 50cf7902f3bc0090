import Foundation
import Glibc

/// Turns the calling process into another user for good: supplementary groups, group, user.
///
/// The worker calls this as its first act when glared (running as root) starts it for a job
/// owned by someone else. Each step is checked, and afterwards the process verifies it can no
/// longer regain root: a half-dropped worker must never run a job.
public enum PrivilegeDrop {
    /// Becomes `uid` with primary group `gid` and the groups `initgroups` finds for the user.
    public static func become(uid: UInt32, gid: UInt32) throws(SystemCallError) {
        guard let account = try UserAccount.lookup(uid: uid) else {
            throw SystemCallError("look up uid \(uid) in the user database", code: ENOENT)
        }
        guard initgroups(account.name, gid) == 0 else { throw SystemCallError("initgroups \(account.name)") }
        guard setgid(gid) == 0 else { throw SystemCallError("setgid \(gid)") }
        guard setuid(uid) == 0 else { throw SystemCallError("setuid \(uid)") }

        guard getuid() == uid, geteuid() == uid, getgid() == gid, getegid() == gid else {
            throw SystemCallError("verify identity after setuid \(uid)", code: EPERM)
        }
        if uid != 0 && setuid(0) == 0 {
            throw SystemCallError("verify that root cannot be regained after setuid \(uid)", code: EPERM)
        }
    }
}
