import Foundation
import Synchronization

@testable import Core

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("glare-queue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var databaseURL: URL { url.appendingPathComponent("queue.sqlite") }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A clock the test moves by hand, so ages and timestamps are exact.
final class ManualClock: Sendable {
    private let seconds: Mutex<Double>

    init(start: Double = 1_000_000) { seconds = Mutex(start) }

    func now() -> Double { seconds.withLock { $0 } }

    func advance(by interval: Double) { seconds.withLock { $0 += interval } }

    var function: @Sendable () -> Double { { [self] in self.now() } }
}

/// Runs `body(index)` on `count` real threads at once and waits for all of them.
func runOnThreads(count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.start()
    }
    group.wait()
}

/// Collects values from several threads.
final class ThreadSafeList<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    func append(_ element: Element) { storage.withLock { $0.append(element) } }

    var elements: [Element] { storage.withLock { $0 } }
}

func trainSpec(_ name: String = "run") -> JobSpec {
    JobSpec(kind: .train, dataset: "builtin:synthetic", name: name, epochs: 3)
}

func spec(group: String, name: String = "job") -> JobSpec {
    JobSpec(kind: .extract, dataset: "builtin:synthetic", name: name, group: group)
}

let unlimited = SchedulingLimits(groupParallelism: [:], defaultParallelism: 1_000)

extension JobStore {
    /// Submits with the defaults the tests rarely change.
    @discardableResult
    func submit(
        _ spec: JobSpec, owner: UInt32 = 1000, priority: Int = 0, after dependencies: [Int64] = [],
        limits: SchedulingLimits = SchedulingLimits()
    ) throws -> JobRecord {
        try submit(
            spec: spec, owner: owner, ownerName: "user\(owner)", priority: priority, dependencies: dependencies,
            limits: limits)
    }
}

/// A small deterministic random generator (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
