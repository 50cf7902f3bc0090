/// The number of threads the numeric code uses: OpenBLAS's threads and the Swift loops' split.
public enum ComputeThreads {
    /// The current count. Set it through `set(_:)` before work starts, not during.
    public private(set) nonisolated(unsafe) static var count = 1

    /// Uses `count` threads from now on.
    public static func set(_ count: Int) throws(BLASError) {
        try BLAS.setThreadCount(count)
        self.count = count
    }
}
