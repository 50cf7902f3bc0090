/// The Delaunay triangulation of a few points in the plane, by Bowyer-Watson insertion.
///
/// Every triangle's circumcircle holds no other point. The points are inserted one at a time into
/// a triangulation that starts as one triangle far larger than the points: the triangles whose
/// circumcircle holds the new point are removed, and the hole is filled with a fan of triangles
/// from the point to the hole's boundary. Triangles touching the starting triangle's corners are
/// dropped at the end. `O(n^2)`, which suits the 68 landmarks it is built for.
///
/// Points that are all on one line, or repeated, have no triangulation: the result then lacks
/// them. Four or more points on one circle have several Delaunay triangulations; one is returned.
public struct DelaunayTriangulation: Sendable, Equatable {
    /// One triangle: three point indices in counter-clockwise order.
    public struct Triangle: Sendable, Equatable {
        /// The corners, counter-clockwise.
        public var corners: (Int, Int, Int)

        /// The corners as an array.
        public var indices: [Int] { [corners.0, corners.1, corners.2] }

        /// Whether the two triangles have the same corners in the same order.
        public static func == (left: Triangle, right: Triangle) -> Bool { left.indices == right.indices }
    }

    /// The triangulated points.
    public let points: [SIMD2<Double>]
    /// The triangles, each counter-clockwise.
    public let triangles: [Triangle]

    /// Triangulates `points`.
    public init(points: [SIMD2<Double>]) {
        self.points = points
        guard points.count >= 3 else {
            triangles = []
            return
        }

        // Work in a frame where the points span about 1, so the starting triangle's corners (at
        // about 1000) keep the circumcircle tests well inside Double's precision.
        let lower = points.reduce(points[0]) { pointwiseMin($0, $1) }
        let upper = points.reduce(points[0]) { pointwiseMax($0, $1) }
        let centre = (lower + upper) / 2
        let span = max(upper.x - lower.x, upper.y - lower.y, .leastNormalMagnitude)
        var vertices = points.map { ($0 - centre) / span }
        let far = 1000.0
        let first = points.count
        vertices += [SIMD2(-far, -far), SIMD2(far, -far), SIMD2(0, far)]

        var current = [(first, first + 1, first + 2)]
        for point in 0..<points.count {
            let position = vertices[point]
            var kept: [(Int, Int, Int)] = []
            // An edge of two removed triangles is inside the hole; one of only one is on its boundary.
            var boundary: [UndirectedEdge: (Int, Int)] = [:]
            for triangle in current {
                guard Self.circumcircle(of: triangle, in: vertices, holds: position) else {
                    kept.append(triangle)
                    continue
                }
                for (from, to) in [(triangle.0, triangle.1), (triangle.1, triangle.2), (triangle.2, triangle.0)] {
                    let key = UndirectedEdge(from, to)
                    if boundary.removeValue(forKey: key) == nil { boundary[key] = (from, to) }
                }
            }
            // Each boundary edge keeps its counter-clockwise direction, so (from, to, point) is too.
            for key in boundary.keys.sorted() {
                let (from, to) = boundary[key]!
                kept.append((from, to, point))
            }
            current = kept
        }

        triangles = current.filter { $0.0 < first && $0.1 < first && $0.2 < first }.map { Triangle(corners: $0) }
    }

    /// The undirected edges of the triangles, each once, smaller index first, sorted.
    public var edges: [(first: Int, second: Int)] {
        var unique: Set<UndirectedEdge> = []
        for triangle in triangles {
            let corners = triangle.indices
            for index in 0..<3 { unique.insert(UndirectedEdge(corners[index], corners[(index + 1) % 3])) }
        }
        return unique.sorted().map { ($0.first, $0.second) }
    }

    /// Whether `point` is strictly inside the circumcircle of the counter-clockwise `triangle`: the
    /// sign of the 3 x 3 determinant of the corners' offsets from the point and their squared lengths.
    static func circumcircle(
        of triangle: (Int, Int, Int), in vertices: [SIMD2<Double>], holds point: SIMD2<Double>
    ) -> Bool {
        let a = vertices[triangle.0] - point
        let b = vertices[triangle.1] - point
        let c = vertices[triangle.2] - point
        let aSquared = (a * a).sum()
        let bSquared = (b * b).sum()
        let cSquared = (c * c).sum()
        let determinant =
            a.x * (b.y * cSquared - bSquared * c.y) - a.y * (b.x * cSquared - bSquared * c.x)
            + aSquared * (b.x * c.y - b.y * c.x)
        return determinant > 0
    }

    /// An edge as an unordered pair, for finding the edges two triangles share.
    private struct UndirectedEdge: Hashable, Comparable {
        let first: Int
        let second: Int

        init(_ one: Int, _ other: Int) {
            first = min(one, other)
            second = max(one, other)
        }

        static func < (left: UndirectedEdge, right: UndirectedEdge) -> Bool {
            (left.first, left.second) < (right.first, right.second)
        }
    }
}
