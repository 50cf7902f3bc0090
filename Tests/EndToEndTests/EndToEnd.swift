import Testing

/// The end-to-end tests: each starts the real `glared` on a temporary state directory and socket
/// and drives it with the real `glarectl`.
///
/// They share two cores and time out on wall-clock limits, so they run one at a time: every
/// suite in this target is nested in this serialized one (each in its own file, as an extension).
@Suite("End to end", .serialized)
enum EndToEnd {}
