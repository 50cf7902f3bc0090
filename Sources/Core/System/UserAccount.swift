import Foundation
import Glibc

/// A user from the system's user database (`getpwuid_r`), and group lookups.
public struct UserAccount: Sendable, Equatable {
    /// The user id.
    public var uid: UInt32
    /// The primary group id.
    public var gid: UInt32
    /// The login name.
    public var name: String
    /// The home directory.
    public var home: String

    /// Creates an account value.
    public init(uid: UInt32, gid: UInt32, name: String, home: String) {
        self.uid = uid
        self.gid = gid
        self.name = name
        self.home = home
    }

    /// The account with `uid`, or nil when the user database has none.
    public static func lookup(uid: UInt32) throws(SystemCallError) -> UserAccount? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
        guard status == 0 else { throw SystemCallError("getpwuid_r \(uid)", code: status) }
        guard result != nil else { return nil }
        return UserAccount(
            uid: entry.pw_uid, gid: entry.pw_gid, name: String(cString: entry.pw_name),
            home: String(cString: entry.pw_dir))
    }

    /// The id of the group named `name`, or nil when there is none.
    public static func groupId(named name: String) throws(SystemCallError) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 64 * 1024)
        let status = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        guard status == 0 else { throw SystemCallError("getgrnam_r \(name)", code: status) }
        guard result != nil else { return nil }
        return entry.gr_gid
    }

    /// Every group the user belongs to: the primary one and the supplementary ones (`getgrouplist`).
    public func groupIds() throws(SystemCallError) -> [UInt32] {
        var count: Int32 = 64
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var found = count
            if getgrouplist(name, gid, &groups, &found) >= 0 {
                return Array(groups.prefix(Int(found)))
            }
            guard found > count else { throw SystemCallError("getgrouplist \(name)", code: EINVAL) }
            count = found
        }
    }
}
