import GlareProtocol

/// One typed method per request; each checks that the reply is the kind the request expects.
extension DaemonConnection {
    /// Queues a job. Returns its record.
    public func submit(_ spec: JobSpec, priority: Int = 0, after: [Int64] = []) throws(ClientError) -> JobRecord {
        let request = Request.submit(spec: spec, priority: priority, after: after)
        let reply = try call(request)
        guard case .submitted(let job) = reply else { throw unexpected(request, reply) }
        return job
    }

    /// The caller's waiting and running jobs, or with `all` the finished ones too, oldest first:
    /// every page the daemon has, read one after another.
    public func list(all: Bool) throws(ClientError) -> [JobRecord] {
        var jobs: [JobRecord] = []
        var after: Int64 = 0
        while true {
            let request = Request.list(all: all, after: after)
            let reply = try call(request)
            guard case .jobs(let page, let more) = reply else { throw unexpected(request, reply) }
            jobs += page
            guard more, let last = page.last else { return jobs }
            after = last.id
        }
    }

    /// One job's record.
    public func show(id: Int64) throws(ClientError) -> JobRecord {
        let request = Request.show(id: id)
        let reply = try call(request)
        guard case .job(let job) = reply else { throw unexpected(request, reply) }
        return job
    }

    /// Cancels jobs; one item a job, in the order asked.
    public func cancel(ids: [Int64]) throws(ClientError) -> [BatchItem] {
        try inBatches(ids) { batch throws(ClientError) in
            let request = Request.cancel(ids: batch)
            let reply = try call(request)
            guard case .batch(let items) = reply else { throw unexpected(request, reply) }
            return items
        }
    }

    /// Blocks until every job is final; one item a job with its final record or an error.
    public func wait(ids: [Int64]) throws(ClientError) -> [BatchItem] {
        try inBatches(ids) { batch throws(ClientError) in
            let request = Request.wait(ids: batch)
            let reply = try call(request)
            guard case .batch(let items) = reply else { throw unexpected(request, reply) }
            return items
        }
    }

    /// Ids a request carries at most: a reply holds a job record for each, and must fit one frame.
    static let idsPerRequest = 200

    /// `body` on successive slices of `ids` of at most `idsPerRequest`, the items joined in order.
    private func inBatches(
        _ ids: [Int64], _ body: ([Int64]) throws(ClientError) -> [BatchItem]
    ) throws(ClientError) -> [BatchItem] {
        var items: [BatchItem] = []
        for start in stride(from: 0, to: max(ids.count, 1), by: Self.idsPerRequest) {
            items += try body(Array(ids[start..<min(start + Self.idsPerRequest, ids.count)]))
        }
        return items
    }

    /// Submits a failed or cancelled job again; returns the new job.
    public func retry(id: Int64) throws(ClientError) -> JobRecord {
        let request = Request.retry(id: id)
        let reply = try call(request)
        guard case .submitted(let job) = reply else { throw unexpected(request, reply) }
        return job
    }

    /// Deletes a final job and its files.
    public func remove(id: Int64) throws(ClientError) {
        try expectOK(.remove(id: id))
    }

    /// The job's result files.
    public func resultFiles(id: Int64) throws(ClientError) -> [ResultFile] {
        let request = Request.result(id: id)
        let reply = try call(request)
        guard case .files(let files) = reply else { throw unexpected(request, reply) }
        return files
    }

    /// The trained models the daemon knows.
    public func models() throws(ClientError) -> [ModelEntry] {
        let request = Request.models
        let reply = try call(request)
        guard case .models(let models) = reply else { throw unexpected(request, reply) }
        return models
    }

    /// Queue counts and the daemon's state.
    public func status() throws(ClientError) -> StatusReport {
        let request = Request.status
        let reply = try call(request)
        guard case .status(let status) = reply else { throw unexpected(request, reply) }
        return status
    }

    /// Sets a group's parallelism (admin); returns the daemon's state after the change.
    public func setParallelism(group: String, count: Int) throws(ClientError) -> StatusReport {
        let request = Request.setParallelism(group: group, count: count)
        let reply = try call(request)
        guard case .status(let status) = reply else { throw unexpected(request, reply) }
        return status
    }

    /// Makes glared re-read its configuration file (admin); returns the daemon's state after it.
    public func reload() throws(ClientError) -> StatusReport {
        let request = Request.reload
        let reply = try call(request)
        guard case .status(let status) = reply else { throw unexpected(request, reply) }
        return status
    }

    /// Sends a request whose answer is a bare `ok`: `drain`, `resume`, `shutdown`, `remove`.
    public func expectOK(_ request: Request) throws(ClientError) {
        let reply = try call(request)
        guard case .ok = reply else { throw unexpected(request, reply) }
    }

    private func unexpected(_ request: Request, _ reply: Reply) -> ClientError {
        .unexpectedReply(request: request.operation, replyType: reply.type)
    }
}
