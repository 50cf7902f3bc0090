import Glibc

/// A leading `~` or `~user` in a path the user typed, replaced by the home directory, as a shell does.
///
/// The shell expands `~` only at the start of a word, so `--dataset folder:~/faces` reaches glarectl
/// with its tilde. `~` alone is `$HOME` (the account's entry when `HOME` is unset or empty); `~ada` is
/// ada's entry in the user database. A path whose user is unknown is left as it is.
public enum TildeExpansion {
    /// `path` with a leading `~` or `~user` replaced by that home directory.
    public static func expand(_ path: String, environment: [String: String]) -> String {
        guard path.hasPrefix("~") else { return path }
        let nameEnd = path.firstIndex(of: "/") ?? path.endIndex
        let userName = String(path[path.index(after: path.startIndex)..<nameEnd])

        let home: String?
        if !userName.isEmpty {
            home = homeDirectory(ofUser: userName)
        } else if let variable = environment["HOME"], !variable.isEmpty {
            home = variable
        } else {
            home = homeDirectory(ofUserId: geteuid())
        }
        guard let home else { return path }
        return home + path[nameEnd...]
    }

    // The user database goes through NSS (files, LDAP, sssd). glarectl is linked statically in release
    // builds, where glibc loads the NSS modules at run time and needs them from the glibc version it
    // was linked with: true on the machine that built glarectl, and only a `~user` path asks.

    /// The home directory in `name`'s user database entry, or nil when there is none.
    static func homeDirectory(ofUser name: String) -> String? {
        passwordEntryHome { entry, buffer, size, result in getpwnam_r(name, entry, buffer, size, result) }
    }

    /// The home directory in the user database entry of `userId`, or nil when there is none.
    static func homeDirectory(ofUserId userId: uid_t) -> String? {
        passwordEntryHome { entry, buffer, size, result in getpwuid_r(userId, entry, buffer, size, result) }
    }

    /// A `getpwnam_r` or `getpwuid_r` call: entry, string buffer, its size, result pointer; returns 0 or an errno.
    private typealias PasswordLookup = (
        UnsafeMutablePointer<passwd>, UnsafeMutablePointer<CChar>, Int,
        UnsafeMutablePointer<UnsafeMutablePointer<passwd>?>
    ) -> Int32

    /// Runs a `getpw*_r` lookup, growing its string buffer while it reports `ERANGE`.
    private static func passwordEntryHome(_ lookup: PasswordLookup) -> String? {
        var size = 1024
        while size <= 1 << 20 {
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: size)
            let status = lookup(&entry, &buffer, size, &result)
            if status == ERANGE {
                size *= 4
                continue
            }
            guard status == 0, result != nil, let directory = entry.pw_dir else { return nil }
            return String(cString: directory)
        }
        return nil
    }
}
