/// Chooses the next job to run from the waiting jobs that are ready, given what already runs.
///
/// The rules, in order:
/// 1. A job is eligible only when its group has a free slot (running < parallelism) and its owner
///    is under `maxRunningPerUser` and `maxRunningPerUserPerGroup`.
/// 2. Interrupted jobs come before queued ones: they already held a slot and resume from a checkpoint.
/// 3. Fair share: the owner with the fewest jobs running in the job's group goes first, then the
///    owner with the fewest jobs running overall, then the owner whose last job in the group
///    started longest ago (never counts as longest), so one user's long queue cannot starve
///    another's. The last rule matters where a group runs one job at a time: between two jobs
///    nobody runs anything, and without it the older submissions of one user would all go first.
/// 4. Then higher priority, then older (`createdAt`), then the smaller id.
///
/// The policy is pure; `JobStore.claimNext` runs it inside its claim transaction.
public enum SchedulingPolicy {
    /// The best eligible job among `ready`, or nil when none may start now.
    ///
    /// - Parameters:
    ///   - ready: waiting (queued or interrupted) jobs whose dependencies have all succeeded.
    ///   - running: the jobs running now.
    ///   - limits: group parallelism and per-user limits.
    ///   - lastStarts: when each owner's latest job in each group started (seconds since the
    ///     epoch); an owner and group missing from it never started a job there.
    public static func select(
        ready: [SchedulingCandidate], running: [SchedulingCandidate], limits: SchedulingLimits,
        lastStarts: [OwnerAndGroup: Double] = [:]
    ) -> SchedulingCandidate? {
        var runningByGroup: [String: Int] = [:]
        var runningByOwner: [UInt32: Int] = [:]
        var runningByOwnerAndGroup: [OwnerAndGroup: Int] = [:]
        for job in running {
            runningByGroup[job.group, default: 0] += 1
            runningByOwner[job.owner, default: 0] += 1
            runningByOwnerAndGroup[OwnerAndGroup(owner: job.owner, group: job.group), default: 0] += 1
        }

        let eligible = ready.filter { job in
            guard runningByGroup[job.group, default: 0] < limits.parallelism(of: job.group) else { return false }
            if let limit = limits.maxRunningPerUser, runningByOwner[job.owner, default: 0] >= limit {
                return false
            }
            let ownerInGroup = runningByOwnerAndGroup[OwnerAndGroup(owner: job.owner, group: job.group), default: 0]
            if let limit = limits.maxRunningPerUserPerGroup, ownerInGroup >= limit {
                return false
            }
            return true
        }

        func key(_ job: SchedulingCandidate) -> SortKey {
            SortKey(
                waitsForResume: job.waitsForResume,
                ownerRunningInGroup: runningByOwnerAndGroup[
                    OwnerAndGroup(owner: job.owner, group: job.group), default: 0],
                ownerRunning: runningByOwner[job.owner, default: 0],
                ownerLastStart: lastStarts[OwnerAndGroup(owner: job.owner, group: job.group)] ?? -Double.infinity,
                priority: job.priority, createdAt: job.createdAt, id: job.id)
        }
        return eligible.min { key($0).runsBefore(key($1)) }
    }

    /// One owner's jobs in one group.
    public struct OwnerAndGroup: Hashable, Sendable {
        /// The owner's uid.
        public var owner: UInt32
        /// The scheduling group.
        public var group: String

        /// Names one owner's jobs in one group.
        public init(owner: UInt32, group: String) {
            self.owner = owner
            self.group = group
        }
    }

    private struct SortKey {
        var waitsForResume: Bool
        var ownerRunningInGroup: Int
        var ownerRunning: Int
        var ownerLastStart: Double
        var priority: Int
        var createdAt: Double
        var id: Int64

        func runsBefore(_ other: SortKey) -> Bool {
            if waitsForResume != other.waitsForResume { return waitsForResume }
            if ownerRunningInGroup != other.ownerRunningInGroup {
                return ownerRunningInGroup < other.ownerRunningInGroup
            }
            if ownerRunning != other.ownerRunning { return ownerRunning < other.ownerRunning }
            if ownerLastStart != other.ownerLastStart { return ownerLastStart < other.ownerLastStart }
            if priority != other.priority { return priority > other.priority }
            if createdAt != other.createdAt { return createdAt < other.createdAt }
            return id < other.id
        }
    }
}

/// What the scheduling policy needs to know about one job.
public struct SchedulingCandidate: Sendable, Equatable {
    /// The job's id.
    public var id: Int64
    /// The owner's uid.
    public var owner: UInt32
    /// The scheduling group.
    public var group: String
    /// Higher runs first.
    public var priority: Int
    /// Submission time, seconds since the epoch.
    public var createdAt: Double
    /// Whether the job is interrupted and waits to resume from its checkpoint.
    public var waitsForResume: Bool

    /// Creates a candidate.
    public init(id: Int64, owner: UInt32, group: String, priority: Int, createdAt: Double, waitsForResume: Bool) {
        self.id = id
        self.owner = owner
        self.group = group
        self.priority = priority
        self.createdAt = createdAt
        self.waitsForResume = waitsForResume
    }

    /// The candidate for a stored job.
    public init(_ job: JobRecord) {
        self.init(
            id: job.id, owner: job.owner, group: job.group, priority: job.priority, createdAt: job.createdAt,
            waitsForResume: job.state == .interrupted)
    }
}
