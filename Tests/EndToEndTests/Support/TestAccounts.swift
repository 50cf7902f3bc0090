import Foundation
import Glibc

/// One login the multi-user tests created.
struct TestAccount: CustomStringConvertible {
    /// The login name.
    var name: String
    /// Its uid.
    var uid: UInt32
    /// Its primary gid.
    var gid: UInt32
    /// Its home directory.
    var home: String

    var description: String { "\(name) (uid \(uid))" }

    /// The command line that runs `executable` as this user, with its groups, through `setpriv`.
    func commandLine(executable: String, arguments: [String]) -> [String] {
        ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--", executable] + arguments
    }

    /// A clean environment for a process of this user.
    var environment: [String: String] {
        [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "USER": name, "LOGNAME": name,
            "OPENBLAS_NUM_THREADS": "1", "LANG": "C.UTF-8",
        ]
    }
}

/// Two ordinary users and an admin (a third user in a fresh admin group), made with `useradd` and
/// `groupadd` for one test and deleted by `removeAll()`.
///
/// Names carry a random suffix, so a run that was killed before it cleaned up does not collide
/// with the next one (`getent passwd | grep glaretest_` finds such leftovers).
final class TestAccounts {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Whether accounts can be made here (the tests run as root); says once why not.
    static let canCreate: Bool = {
        guard getuid() == 0 else {
            print("skipping the multi-user end-to-end tests: they create users and need root (uid \(getuid()))")
            return false
        }
        return true
    }()

    /// The admin group's name, for `admin_group` in glared's configuration.
    let adminGroup: String
    /// Its gid.
    let adminGroupId: UInt32
    /// An ordinary user.
    let first: TestAccount
    /// Another ordinary user.
    let second: TestAccount
    /// A member of `adminGroup`.
    let admin: TestAccount

    private var createdUsers: [String] = []
    private var createdGroup: String?

    init() throws {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        adminGroup = "glaretest_g_\(suffix)"
        let names = ["a", "b", "admin"].map { "glaretest_\($0)_\(suffix)" }

        // Whatever was made before a failure is deleted again before the error leaves.
        var made: [String] = []
        var group: String?
        do {
            try TestAccounts.run("/usr/sbin/groupadd", [adminGroup])
            group = adminGroup
            for (index, name) in names.enumerated() {
                var arguments = ["--create-home", "--shell", "/usr/sbin/nologin", "--user-group"]
                if index == 2 { arguments += ["--groups", adminGroup] }
                try TestAccounts.run("/usr/sbin/useradd", arguments + [name])
                made.append(name)
            }
            guard let groupEntry = getgrnam(adminGroup) else {
                throw Failure(description: "getgrnam \(adminGroup) found nothing")
            }
            adminGroupId = groupEntry.pointee.gr_gid
            first = try TestAccounts.account(names[0])
            second = try TestAccounts.account(names[1])
            admin = try TestAccounts.account(names[2])
        } catch {
            _ = TestAccounts.remove(users: made, group: group)
            throw error
        }
        createdUsers = made
        createdGroup = group
    }

    deinit {
        _ = removeAll()
    }

    /// Runs `/bin/sh -c script` as `account` and fails with its output unless it exits 0.
    func runShell(_ script: String, as account: TestAccount) throws {
        let command = account.commandLine(executable: "/bin/sh", arguments: ["-c", script])
        try TestAccounts.run(command[0], Array(command.dropFirst()), environment: account.environment)
    }

    /// Deletes the users (with their homes) and the group; returns what could not be deleted.
    @discardableResult
    func removeAll() -> [String] {
        let problems = TestAccounts.remove(users: createdUsers, group: createdGroup)
        createdUsers = []
        createdGroup = nil
        return problems
    }

    private static func remove(users: [String], group: String?) -> [String] {
        var problems: [String] = []
        for user in users {
            do { try run("/usr/sbin/userdel", ["--remove", user]) } catch { problems.append("\(error)") }
        }
        if let group {
            do { try run("/usr/sbin/groupdel", [group]) } catch { problems.append("\(error)") }
        }
        return problems
    }

    private static func account(_ name: String) throws -> TestAccount {
        guard let entry = getpwnam(name) else { throw Failure(description: "getpwnam \(name) found nothing") }
        return TestAccount(
            name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid,
            home: String(cString: entry.pointee.pw_dir))
    }

    /// Runs an administration command and fails with its output unless it exits 0.
    private static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                    + String(decoding: output, as: UTF8.self))
        }
    }
}
