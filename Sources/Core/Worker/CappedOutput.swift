import Foundation
import Glibc

/// Caps what a worker writes to standard output, so one chatty job cannot fill the disk.
///
/// Standard output is replaced by a pipe; a thread copies the pipe into the real log until the
/// log holds `limit` bytes, writes one line saying so, and drops the rest (still reading, so the
/// job never blocks on a full pipe). Standard error stays connected to the log directly: a crash
/// report must reach it even when the process dies at once, and it is small.
final class CappedOutput: @unchecked Sendable {
    // @unchecked: the descriptors are set once in `start`; `finish` runs once, at exit.
    private let limit: Int64
    private var logDescriptor: Int32 = -1
    private var readEnd: Int32 = -1
    private let finished = DispatchSemaphore(value: 0)

    init(limit: Int64) {
        self.limit = limit
    }

    /// Redirects standard output through the cap; throws when a descriptor call fails.
    func start() throws(SystemCallError) {
        logDescriptor = dup(1)
        guard logDescriptor >= 0 else { throw SystemCallError("dup standard output") }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SystemCallError("pipe") }
        readEnd = ends[0]
        guard dup2(ends[1], 1) == 1 else { throw SystemCallError("dup2 the pipe onto standard output") }
        close(ends[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(logDescriptor, F_SETFD, FD_CLOEXEC)

        var status = stat()
        // A resumed job appends to its earlier log; the cap counts what is there already.
        let existing = fstat(logDescriptor, &status) == 0 ? Int64(status.st_size) : 0
        let thread = Thread { [self] in
            copy(startingAt: existing)
            finished.signal()
        }
        thread.name = "glare-log"
        thread.start()
    }

    /// Flushes and closes standard output, then waits until the copy thread wrote everything.
    func finish() {
        guard readEnd >= 0 else { return }
        fflush(nil)
        let null = open("/dev/null", O_WRONLY)
        if null >= 0 {
            dup2(null, 1)
            close(null)
        }
        _ = finished.wait(timeout: .now() + 10)
    }

    private func copy(startingAt existing: Int64) {
        var written = existing
        var noted = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            let allowed = Int(max(0, min(Int64(count), limit - written)))
            if allowed > 0 {
                writeAll(buffer, count: allowed)
                written += Int64(allowed)
            }
            if allowed < count && !noted {
                noted = true
                let note = "\nglare-worker: the log reached log_max_bytes (\(limit) bytes); later output is dropped\n"
                writeAll(Array(note.utf8), count: note.utf8.count)
            }
        }
    }

    private func writeAll(_ bytes: [UInt8], count: Int) {
        var offset = 0
        while offset < count {
            let result = bytes.withUnsafeBytes { write(logDescriptor, $0.baseAddress! + offset, count - offset) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return }
            offset += result
        }
    }
}
