/// The limits `JobStore.claimNext` respects when it picks the next job to run.
///
/// Each scheduling group (by default the job's kind) runs at most its parallelism at once;
/// users may further be limited in how many jobs they run and how many they keep waiting.
public struct SchedulingLimits: Sendable, Equatable {
    /// Jobs a group runs at once, by group name; groups not listed use `defaultParallelism`.
    public var groupParallelism: [String: Int]
    /// Jobs a group not in `groupParallelism` runs at once.
    public var defaultParallelism: Int
    /// Jobs one user runs at once across all groups; nil for no limit.
    public var maxRunningPerUser: Int?
    /// Jobs one user runs at once in one group; nil for no limit.
    public var maxRunningPerUserPerGroup: Int?
    /// Jobs one user keeps waiting (queued or interrupted); nil for no limit. Checked at submit.
    public var maxQueuedPerUser: Int?

    /// The defaults: one training job and two inference jobs at once, one of any other group.
    public static let defaultGroupParallelism: [String: Int] = ["train": 1, "infer": 2]

    /// Creates limits.
    public init(
        groupParallelism: [String: Int] = SchedulingLimits.defaultGroupParallelism, defaultParallelism: Int = 1,
        maxRunningPerUser: Int? = nil, maxRunningPerUserPerGroup: Int? = nil, maxQueuedPerUser: Int? = nil
    ) {
        self.groupParallelism = groupParallelism
        self.defaultParallelism = defaultParallelism
        self.maxRunningPerUser = maxRunningPerUser
        self.maxRunningPerUserPerGroup = maxRunningPerUserPerGroup
        self.maxQueuedPerUser = maxQueuedPerUser
    }

    /// How many jobs `group` runs at once.
    public func parallelism(of group: String) -> Int {
        groupParallelism[group] ?? defaultParallelism
    }
}
