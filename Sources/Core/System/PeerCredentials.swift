import CGlareSystem

/// Who is at the other end of a Unix socket, as the kernel says (`SO_PEERCRED`).
///
/// The daemon takes a caller's identity from here and never from a message.
public struct PeerCredentials: Sendable, Equatable {
    /// The peer's process id when it connected.
    public var pid: Int32
    /// The peer's effective user id.
    public var uid: UInt32
    /// The peer's effective group id.
    public var gid: UInt32

    /// Creates credentials.
    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// The credentials of the peer connected to `fileDescriptor`.
    public static func of(fileDescriptor: Int32) throws(SystemCallError) -> PeerCredentials {
        var raw = glare_peer_credentials()
        guard glare_get_peer_credentials(fileDescriptor, &raw) == 0 else {
            throw SystemCallError("getsockopt SO_PEERCRED")
        }
        return PeerCredentials(pid: raw.pid, uid: raw.uid, gid: raw.gid)
    }
}
