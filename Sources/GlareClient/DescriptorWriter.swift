import Glibc

/// The loop every write to a descriptor needs: on after a signal interrupts it, on after a short write.
public enum DescriptorWriter {
    /// Hands `bytes` to `write` (a `write(2)` or `send(2)` on one descriptor) until all are written.
    ///
    /// - Parameter write: writes up to the given count from the pointer; returns how many it wrote,
    ///   or -1 with `errno` set.
    /// - Returns: nil when every byte was written, else the `errno` of the call that failed.
    public static func writeAll(
        _ bytes: UnsafeRawBufferPointer, using write: (UnsafeRawPointer, Int) -> Int
    ) -> Int32? {
        guard let start = bytes.baseAddress else { return nil }
        var written = 0
        while written < bytes.count {
            let count = write(start + written, bytes.count - written)
            if count >= 0 {
                written += count
            } else if errno != EINTR {
                return errno
            }
        }
        return nil
    }
}
