/// The release of glare this build belongs to: glared, glarectl and glare-worker carry the same one.
///
/// It names the software in `Hello` and `status` replies and in `--version`; what the two ends can
/// say to each other is `WireProtocol.version`, not this.
public enum GlareRelease {
    /// The release, as `major.minor.patch`.
    public static let version = "0.1.0"
}
