import Testing

@testable import Core

@Suite("Delaunay triangulation and the delaunay topology")
struct DelaunayTriangulationTests {
    /// The mean face's frontal landmarks, which the `delaunay` topology triangulates.
    static let meanFace = (0..<68).map {
        SIMD2(Double(FaceShapeBasis.mean[$0 * 3]), Double(FaceShapeBasis.mean[$0 * 3 + 1]))
    }

    /// `count` points drawn uniformly from the unit square.
    static func randomPoints(_ count: Int, seed: UInt64) -> [SIMD2<Double>] {
        var generator = Core.SeededGenerator(seed: seed)
        return (0..<count).map { _ in SIMD2(Double(generator.nextUnitFloat()), Double(generator.nextUnitFloat())) }
    }

    /// The number of convex hull corners (Andrew's monotone chain; collinear points are not corners).
    static func hullSize(_ points: [SIMD2<Double>]) -> Int {
        let sorted = points.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        func cross(_ o: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        func chain(_ ordered: [SIMD2<Double>]) -> Int {
            var hull: [SIMD2<Double>] = []
            for point in ordered {
                while hull.count >= 2 && cross(hull[hull.count - 2], hull[hull.count - 1], point) <= 0 {
                    hull.removeLast()
                }
                hull.append(point)
            }
            return hull.count - 1
        }
        return chain(sorted) + chain(sorted.reversed())
    }

    /// Checks every triangle is counter-clockwise, no point lies inside any triangle's
    /// circumcircle, and the counts of a full triangulation of the convex hull hold.
    static func expectDelaunay(
        _ points: [SIMD2<Double>], _ name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let triangulation = DelaunayTriangulation(points: points)
        var violations = 0
        for triangle in triangulation.triangles {
            let (a, b, c) = (points[triangle.corners.0], points[triangle.corners.1], points[triangle.corners.2])
            let twiceArea = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
            #expect(twiceArea > 0, "\(name): triangle \(triangle.indices) is not counter-clockwise")

            // The circumcentre from the perpendicular bisectors; a point counts as inside only when
            // it is closer than the radius by more than rounding.
            let scale = 2 * twiceArea
            let aSquared = (a * a).sum()
            let bSquared = (b * b).sum()
            let cSquared = (c * c).sum()
            let centre = SIMD2(
                (aSquared * (b.y - c.y) + bSquared * (c.y - a.y) + cSquared * (a.y - b.y)) / scale,
                (aSquared * (c.x - b.x) + bSquared * (a.x - c.x) + cSquared * (b.x - a.x)) / scale)
            let radius = ((a - centre) * (a - centre)).sum().squareRoot()
            for (index, point) in points.enumerated() where !triangle.indices.contains(index) {
                let distance = ((point - centre) * (point - centre)).sum().squareRoot()
                if distance < radius * (1 - 1e-9) {
                    violations += 1
                    if violations <= 3 {
                        let message =
                            "\(name): point \(index) \(point) is inside the circumcircle of \(triangle.indices): "
                            + "expected distance >= \(radius), observed \(distance)"
                        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
                    }
                }
            }
        }

        let hull = hullSize(points)
        let n = points.count
        #expect(
            triangulation.edges.count == 3 * n - 3 - hull,
            "\(name): \(n) points, hull of \(hull): expected \(3 * n - 3 - hull) edges, observed \(triangulation.edges.count)",
            sourceLocation: sourceLocation)
        #expect(
            triangulation.triangles.count == 2 * n - 2 - hull,
            "\(name): expected \(2 * n - 2 - hull) triangles, observed \(triangulation.triangles.count)",
            sourceLocation: sourceLocation)
    }

    @Test func meanFace_triangulationIsDelaunayAndCoversTheHull() {
        Self.expectDelaunay(Self.meanFace, "mean face")
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomPoints_triangulationIsDelaunayAndCoversTheHull(seed: UInt64) {
        Self.expectDelaunay(Self.randomPoints(60, seed: seed), "60 random points, seed \(seed)")
    }

    /// A unit square's corners and its centre: the four triangles around the centre.
    @Test func squareWithCentre_givesFourTrianglesAroundTheCentre() {
        let points: [SIMD2<Double>] = [SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 1), SIMD2(0.5, 0.5)]
        let triangulation = DelaunayTriangulation(points: points)
        #expect(triangulation.triangles.count == 4)
        #expect(triangulation.triangles.allSatisfy { $0.indices.contains(4) })
        let edges = triangulation.edges.map { "\($0.first)-\($0.second)" }
        #expect(edges == ["0-1", "0-3", "0-4", "1-2", "1-4", "2-3", "2-4", "3-4"])
    }

    @Test func delaunayTopology_isTheMeanFacesTriangulationAndAConnectedSymmetricGraph() throws {
        let topology = try #require(LandmarkTopology.named("delaunay"))
        #expect(topology == .delaunay && topology.name == "delaunay" && topology.nodeCount == 68)
        let expected = DelaunayTriangulation(points: Self.meanFace).edges
        #expect(topology.edges.map(\.first) == expected.map(\.first))
        #expect(topology.edges.map(\.second) == expected.map(\.second))
        #expect(topology.edges.count == 3 * 68 - 3 - Self.hullSize(Self.meanFace))

        let adjacency = Adjacency(topology: topology)
        #expect(adjacency.nonZeroCount == 68 + 2 * topology.edges.count)
        for i in 0..<68 {
            for j in 0..<68 where adjacency[i, j] != adjacency[j, i] {
                Issue.record("adjacency not symmetric at \(i), \(j)")
            }
        }
        var reached: Set<Int> = [0]
        var frontier = [0]
        while let node = frontier.popLast() {
            for other in 0..<68 where adjacency[node, other] && !reached.contains(other) {
                reached.insert(other)
                frontier.append(other)
            }
        }
        #expect(reached.count == 68, "reached from node 0: \(reached.count) of 68 nodes")

        // The regions and super-regions coarsen it like any other landmark graph.
        let hierarchy = try GraphHierarchy(topology: topology, partitions: [.regions, .superRegions])
        #expect(hierarchy.levels.map(\.nodeCount) == [68, 9, 3])
    }
}
