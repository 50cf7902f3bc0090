/// The SQL a claim runs, in one place so that a test can hold each one's query plan to the rule
/// that keeps claims cheap: every table is searched through an index, never scanned, so a claim
/// does not slow down as the queue's history grows, and a waiting job costs one index entry.
///
/// The indexes are schema version 3's (`QueueSchema`): `jobs_in_claim_order` on
/// `(state, owner, job_group, priority DESC, created_at, id)` and `jobs_by_owner_group_start` on
/// `(owner, job_group, started_at)`.
enum ClaimQuery {
    /// Queued jobs with a failed or cancelled dependency, each with its smallest such parent.
    static let failedDependencies = """
        SELECT d.job_id, MIN(d.depends_on) FROM job_dependencies d
        JOIN jobs c ON c.id = d.job_id JOIN jobs p ON p.id = d.depends_on
        WHERE c.state = 'queued' AND p.state IN ('failed', 'cancelled')
        GROUP BY d.job_id
        """

    /// The running jobs as scheduling candidates.
    static let running = """
        SELECT id, owner, job_group, priority, created_at, state FROM jobs WHERE state = 'running' ORDER BY id
        """

    /// Each owner and group with a waiting (queued or interrupted) job.
    static let waitingPairs = """
        SELECT DISTINCT owner, job_group FROM jobs WHERE state IN ('queued', 'interrupted')
        """

    /// The first job in claim order with the given state, owner and group whose dependencies
    /// have all succeeded. Parameters: state, owner, group.
    static let firstReady = """
        SELECT id, owner, job_group, priority, created_at, state FROM jobs
        WHERE state = ? AND owner = ? AND job_group = ? AND NOT EXISTS (
            SELECT 1 FROM job_dependencies d JOIN jobs p ON p.id = d.depends_on
            WHERE d.job_id = jobs.id AND p.state != 'succeeded')
        ORDER BY priority DESC, created_at, id LIMIT 1
        """

    /// When the owner's latest job in the group started. Parameters: owner, group.
    static let lastStart = "SELECT MAX(started_at) FROM jobs WHERE owner = ? AND job_group = ?"

    /// Every query above.
    static let all = [failedDependencies, running, waitingPairs, firstReady, lastStart]
}
