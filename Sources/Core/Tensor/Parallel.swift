import Dispatch

/// Splits loops over rows, samples or elements across the compute threads.
///
/// Work is cut into at most `threads` contiguous chunks of at least `minimumPerChunk` items (so
/// small loops stay on the calling thread) whose boundaries are multiples of `alignment`. Loops
/// that reduce write one partial result per chunk and add them up afterwards in chunk order, so
/// results depend on the thread count but never on timing.
enum Parallel {
    /// The number of chunks `run` will use.
    static func chunkCount(count: Int, threads: Int, minimumPerChunk: Int) -> Int {
        max(1, min(threads, count / max(minimumPerChunk, 1)))
    }

    /// Runs `body(chunk, range)` over the chunks of `0..<count`, concurrently when there is more than one.
    static func run(
        count: Int, threads: Int, minimumPerChunk: Int = 1, alignment: Int = 1, _ body: (Int, Range<Int>) -> Void
    ) {
        let chunks = chunkCount(count: count, threads: threads, minimumPerChunk: minimumPerChunk)
        if chunks == 1 {
            body(0, 0..<count)
            return
        }
        let perChunk = ((count + chunks - 1) / chunks + alignment - 1) / alignment * alignment
        withoutActuallyEscaping(body) { escapable in
            let shared = SharedBody(body: escapable)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = min(chunk * perChunk, count)
                shared.body(chunk, start..<min(start + perChunk, count))
            }
        }
    }
}

/// The loop body handed to the worker threads. Unchecked: every caller's chunks touch disjoint
/// rows of the output (or their own partial-result row), and `run` returns only after all finish.
private struct SharedBody: @unchecked Sendable {
    let body: (Int, Range<Int>) -> Void
}
