import Foundation

/// Landmarks extracted once per image file and reused by every later job of the same owner.
///
/// Layout: one JSON record (`LandmarkCacheEntry`) per image file at
/// `<cache directory>/landmarks-v1/<hh>/<hash>.json`, where `<hash>` is the 64-bit FNV-1a hash of
/// the image's absolute path in hex and `<hh>` its first two digits (so no folder holds more than
/// a few thousand records for a dataset of a million images). A record is used only when the
/// file's identity (path, device, inode, size, modification time in nanoseconds) and the
/// extractor's version both equal what the record holds; otherwise the image is extracted again
/// and the record replaced. A record that does not decode (truncated, corrupt, from another
/// format) is treated the same way, never as an error. Records are written to a temporary file in
/// the same folder and renamed into place, so a reader sees either the old or the new record, and
/// two jobs extracting the same file at once do no harm.
///
/// One record per file rather than one per dataset keeps images shared between datasets (and
/// between inference runs) extracted once, and makes a partial extraction, stopped or crashed,
/// count for the next run.
///
/// Not thread-safe: one instance serves one job from one thread, as the extractor does.
public final class LandmarkCache {
    /// What a lookup found for one image.
    public enum Outcome: Equatable, Sendable {
        /// The image was read; `faces` may be empty (no face).
        case faces(ImageFaces)
        /// The image could not be used; `reason` is a `DroppedReason`-coded string.
        case failed(reason: String)
    }

    /// The folder holding the records.
    public let directory: URL
    /// The extractor version records must match, worked out on first use: the real extractor's
    /// version reads the sizes of its model files, which a job with no image to read never needs.
    public private(set) lazy var extractorVersion: String = versionSource()
    /// What this instance has done so far.
    public private(set) var counts = ExtractionCounts()

    private let versionSource: () -> String
    private let makeExtractor: LandmarkExtractorFactory
    private var extractor: (any LandmarkExtracting)?

    /// A cache under `cacheDirectory` for an extractor of `extractorVersion`, made by `makeExtractor`
    /// only when an image is not cached.
    public init(
        cacheDirectory: URL, extractorVersion: @autoclosure @escaping () -> String,
        makeExtractor: @escaping LandmarkExtractorFactory
    ) {
        directory = cacheDirectory.appendingPathComponent("landmarks-v1", isDirectory: true)
        self.versionSource = extractorVersion
        self.makeExtractor = makeExtractor
    }

    /// A cache under `cacheDirectory` using `extractor`.
    public convenience init(cacheDirectory: URL, extractor: any LandmarkExtracting) {
        self.init(cacheDirectory: cacheDirectory, extractorVersion: extractor.extractorVersion) { extractor }
    }

    /// The faces in the image at `url`, from the cache when its record is current, else from the
    /// extractor (and then recorded). Throws only when the extractor itself cannot be made.
    public func faces(inImageAt url: URL) throws -> Outcome {
        counts.files += 1

        let identity: FileIdentity
        do {
            identity = try FileIdentity.of(url)
        } catch {
            counts.missing += 1
            let code: DroppedReason = error.isMissingFile ? .missingFile : .unreadableImage
            return .failed(reason: code.with(error.description))
        }

        let recordURL = self.recordURL(forPath: identity.path)
        if let entry = readEntry(at: recordURL), entry.matches(identity, extractorVersion: extractorVersion) {
            counts.fromCache += 1
            Self.markUsed(recordURL)
            return Self.outcome(of: entry)
        }

        // A file this user cannot read says nothing about its contents, so it is not recorded: the
        // next job, perhaps after a chmod that leaves the identity unchanged, tries again.
        guard FileManager.default.isReadableFile(atPath: identity.path) else {
            counts.missing += 1
            return .failed(reason: DroppedReason.unreadableImage.with("permission denied: \(identity.path)"))
        }

        let entry = try extract(url, identity: identity)
        counts.extracted += 1
        do {
            try write(entry, to: recordURL)
        } catch {
            counts.cacheWriteFailures += 1
        }
        return Self.outcome(of: entry)
    }

    /// Where the record for the image at the absolute `path` lives.
    public func recordURL(forPath path: String) -> URL {
        let hash = String(Self.fnv1a(path), radix: 16)
        let name = String(repeating: "0", count: 16 - hash.count) + hash
        return directory.appendingPathComponent(String(name.prefix(2)), isDirectory: true)
            .appendingPathComponent(name + ".json")
    }

    private func extract(_ url: URL, identity: FileIdentity) throws -> LandmarkCacheEntry {
        let extractor = try self.extractor ?? makeExtractor()
        self.extractor = extractor
        var entry = LandmarkCacheEntry(
            format: LandmarkCacheEntry.currentFormat, identity: identity, extractorVersion: extractorVersion)
        do {
            entry.faces = try extractor.faces(inImageAt: url)
        } catch {
            entry.error = "\(error)"
        }
        return entry
    }

    private func readEntry(at url: URL) -> LandmarkCacheEntry? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(LandmarkCacheEntry.self, from: data)
    }

    private func write(_ entry: LandmarkCacheEntry, to url: URL) throws {
        try AtomicFile.write(JSONEncoder().encode(entry), to: url)
    }

    /// How long a record's modification time may lag its last use: glared's sweep
    /// (`LandmarkCachePruner`) deletes by it, and a day is nothing against `cache_days`.
    static let useMarkInterval: Double = 86_400

    /// Moves the record's modification time to now when it is more than `useMarkInterval` old, so
    /// records in use survive the sweep; one `stat` a lookup otherwise. A failure changes nothing
    /// but the record's chance of being swept.
    static func markUsed(_ record: URL) {
        var status = stat()
        guard stat(record.path, &status) == 0 else { return }
        let modified = Double(status.st_mtim.tv_sec)
        guard Date().timeIntervalSince1970 - modified > useMarkInterval else { return }
        _ = utimensat(AT_FDCWD, record.path, nil, 0)
    }

    private static func outcome(of entry: LandmarkCacheEntry) -> Outcome {
        if let faces = entry.faces { return .faces(faces) }
        return .failed(reason: DroppedReason.unreadableImage.with(entry.error ?? "unknown error"))
    }

    /// 64-bit FNV-1a over the UTF-8 bytes: stable across processes and Swift versions, unlike `Hasher`.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
