import Foundation

/// Reads job rows (and their dependency rows) into `JobRecord`s.
enum JobRowReader {
    static let columns = """
        id, spec, owner, owner_name, job_group, priority, state, created_at, started_at, finished_at,
        progress, reason, summary, pid, pid_start_time, attempt, restarts, cancel_requested
        """

    /// The job with `id`, or nil.
    static func job(id: Int64, in database: Database) throws -> JobRecord? {
        try jobs(where: "id = ?", [.integer(id)], in: database).first
    }

    /// The jobs matching `condition` (an SQL expression over the `jobs` table), in id order, the
    /// first `limit` of them when it is given.
    static func jobs(
        where condition: String, _ values: [DatabaseValue] = [], limit: Int? = nil, in database: Database
    ) throws
        -> [JobRecord]
    {
        let limitClause = limit.map { "LIMIT \(max($0, 0))" } ?? ""
        var dependencies: [Int64: [Int64]] = [:]
        try database.query(
            """
            SELECT job_id, depends_on FROM job_dependencies
            WHERE job_id IN (SELECT id FROM jobs WHERE \(condition) ORDER BY id \(limitClause))
            ORDER BY job_id, depends_on
            """, values
        ) { row in
            dependencies[row.integer(at: 0) ?? 0, default: []].append(row.integer(at: 1) ?? 0)
        }

        var records: [JobRecord] = []
        try database.query("SELECT \(columns) FROM jobs WHERE \(condition) ORDER BY id \(limitClause)", values) { row in
            records.append(try record(from: row, dependencies: dependencies))
        }
        return records
    }

    private static func record(from row: Statement, dependencies: [Int64: [Int64]]) throws -> JobRecord {
        let id = row.integer(at: 0) ?? 0
        let stateText = row.text(at: 6) ?? ""
        guard let state = JobState(rawValue: stateText) else {
            throw StoreError.undecodableRow(id: id, column: "state", detail: "unknown state \(stateText)")
        }
        return JobRecord(
            id: id,
            spec: try JobRowCodec.decode(JobSpec.self, row.text(at: 1) ?? "", id: id, column: "spec"),
            owner: UInt32(truncatingIfNeeded: row.integer(at: 2) ?? 0),
            ownerName: row.text(at: 3) ?? "",
            group: row.text(at: 4) ?? "",
            priority: Int(row.integer(at: 5) ?? 0),
            dependencies: dependencies[id] ?? [],
            state: state,
            createdAt: row.real(at: 7) ?? 0,
            startedAt: row.real(at: 8),
            finishedAt: row.real(at: 9),
            progress: try row.text(at: 10).map {
                try JobRowCodec.decode(ProgressEvent.self, $0, id: id, column: "progress")
            },
            reason: row.text(at: 11),
            summary: try row.text(at: 12).map {
                try JobRowCodec.decode([String: Double].self, $0, id: id, column: "summary")
            },
            pid: row.integer(at: 13).map { Int32(truncatingIfNeeded: $0) },
            pidStartTime: row.integer(at: 14).map { UInt64(bitPattern: $0) },
            attempt: Int(row.integer(at: 15) ?? 0),
            restarts: Int(row.integer(at: 16) ?? 0),
            cancelRequested: (row.integer(at: 17) ?? 0) != 0)
    }
}

/// JSON text for the columns that hold Codable values (spec, progress, summary).
enum JobRowCodec {
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A diverging run's NaN loss must not make the progress update fail.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode<Value: Decodable>(
        _ type: Value.Type, _ text: String, id: Int64, column: String
    ) throws
        -> Value
    {
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError.undecodableRow(id: id, column: column, detail: "\(error)")
        }
    }
}
