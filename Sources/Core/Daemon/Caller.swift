/// The user at the other end of a connection, from the kernel's peer credentials.
public struct Caller: Sendable, Equatable {
    /// The peer's credentials.
    public var credentials: PeerCredentials
    /// The user's login name, or `uid <n>` when the user database has none.
    public var name: String
    /// Whether the caller may act on every job and run the admin requests.
    public var isAdmin: Bool

    /// Creates a caller.
    public init(credentials: PeerCredentials, name: String, isAdmin: Bool) {
        self.credentials = credentials
        self.name = name
        self.isAdmin = isAdmin
    }

    /// The caller's uid.
    public var uid: UInt32 { credentials.uid }

    /// Identifies the peer: root, the daemon's own user and members of `adminGroup` are admins.
    public static func identify(
        _ credentials: PeerCredentials, daemonUid: UInt32, adminGroup: String
    ) -> Caller {
        let account = try? UserAccount.lookup(uid: credentials.uid)
        var isAdmin = credentials.uid == 0 || credentials.uid == daemonUid
        if !isAdmin, let account, let adminGroupId = try? UserAccount.groupId(named: adminGroup) {
            isAdmin = (try? account.groupIds().contains(adminGroupId)) ?? false
        }
        return Caller(credentials: credentials, name: account?.name ?? "uid \(credentials.uid)", isAdmin: isAdmin)
    }

    /// Whether the caller may read, cancel, retry or remove `job`.
    public func mayManage(_ job: JobRecord) -> Bool { isAdmin || job.owner == uid }

    /// `job` as this caller may see it: whole for its owner or an admin; for anyone else only what
    /// explains the queue (owner, kind, group, state, times, progress counts), without the spec's
    /// paths and options, the reason, the summary or the pid.
    public func view(_ job: JobRecord) -> JobRecord {
        guard !mayManage(job) else { return job }
        var visible = job
        visible.spec = JobSpec(kind: job.spec.kind, group: job.spec.group)
        visible.reason = nil
        visible.summary = nil
        visible.pid = nil
        visible.pidStartTime = nil
        visible.progress = job.progress.map {
            ProgressEvent(phase: $0.phase, time: $0.time, done: $0.done, total: $0.total)
        }
        return visible
    }
}
