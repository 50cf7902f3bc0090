/// What one pass over a dataset's images did with the landmark cache.
public struct ExtractionCounts: Codable, Sendable, Equatable {
    /// Image files looked up.
    public var files = 0
    /// Files whose landmarks (or recorded failure) came from the cache.
    public var fromCache = 0
    /// Files the extractor read in this pass.
    public var extracted = 0
    /// Files that could not be read at all (missing, or not readable by the job's owner), so neither
    /// cached nor extracted.
    public var missing = 0
    /// Cache records that could not be written; their files will be extracted again next time.
    public var cacheWriteFailures = 0

    /// Creates zero counts.
    public init() {}

    /// The counts as figures for summaries and progress events, with snake_case names.
    public var metrics: [String: Double] {
        [
            "files": Double(files), "from_cache": Double(fromCache), "extracted": Double(extracted),
            "missing": Double(missing), "cache_write_failures": Double(cacheWriteFailures),
        ]
    }

    private enum CodingKeys: String, CodingKey {
        case files
        case fromCache = "from_cache"
        case extracted
        case missing
        case cacheWriteFailures = "cache_write_failures"
    }
}
