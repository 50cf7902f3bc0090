// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Release builds of Core use AVX2 (Haswell, 2013, and every later x86-64 core) when the machine
/// that builds has it, as a lab server building glare for itself does: the layers' 8-lane loops
/// then run as one instruction instead of two SSE halves. Swift does not contract `a * b + c` into
/// FMA, so results are the same as the generic build's to the bit. Debug builds stay generic.
///
/// Core keeps Swift's checks (`-O`, not `-Ounchecked`): it holds the daemon's code as well as the
/// model's, and a broken invariant there must stop with a message, not run on. The hot loops work
/// on unsafe buffers either way; two alternated runs of `glare-bench model` at batch 256 showed no
/// difference (training 10,760-11,420 samples/s checked, 10,830-11,170 unchecked).
#if arch(x86_64)
    let builderHasAVX2 =
        (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
        .contains { $0.hasPrefix("flags") && $0.split(separator: " ").contains("avx2") } ?? false
    let coreReleaseFlags = builderHasAVX2 ? ["-target-cpu", "haswell"] : []
#else
    let coreReleaseFlags: [String] = []
#endif

/// glare: the GLaRE facial-expression model, its job queue daemon and its client.
///
/// The C targets wrap system libraries from Debian's packages; Swift code reaches each of
/// them through one thin wrapper in `Core/System`, `Core/Queue`, `Core/Tensor` or `Core/Face`.
/// `GlareProtocol` (the wire protocol and the job types that cross it) and `GlareClient`
/// (connections to glared, glarectl's command line and output) need none of those libraries,
/// so `glarectl` links neither them nor `Core`.
let package = Package(
    name: "glare",
    products: [
        .library(name: "Core", targets: ["Core"]),
        .executable(name: "glared", targets: ["glared"]),
        .executable(name: "glarectl", targets: ["glarectl"]),
        .executable(name: "glare-worker", targets: ["glare-worker"]),
        .executable(name: "glare-bench", targets: ["glare-bench"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .target(
            name: "CGlareSystem",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        .target(
            name: "CGlareImage",
            cSettings: [.unsafeFlags(["-I/usr/include/libpng16"])],
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("exif")]
        ),
        // libdlib.so (Debian 19.24) records its own needs (png16, jpeg, z, blas, lapack, stdc++) as DT_NEEDED;
        // pkg-config's `dlib-1` adds nothing glare lacks (no gif, no X11: dlib is built without GUI support).
        // OpenBLAS is named because dlib's headers, compiled into face.cpp, call cblas_dgemm; LAPACK and libm
        // because dlib's matrix code may reach them too.
        .target(
            name: "CGlareFace",
            cxxSettings: [.unsafeFlags(["-O2", "-std=c++17"])],
            linkerSettings: [
                .linkedLibrary("dlib"), .linkedLibrary("openblas"), .linkedLibrary("lapack"),
                .linkedLibrary("m"), .linkedLibrary("stdc++"),
            ]
        ),
        .target(name: "GlareProtocol"),
        .target(name: "GlareClient", dependencies: ["GlareProtocol", "CGlareSystem"]),
        .target(
            name: "Core",
            dependencies: [
                "GlareProtocol", "CSQLite", "COpenBLAS", "CSystemd", "CGlareSystem", "CGlareImage", "CGlareFace",
            ],
            swiftSettings: [.unsafeFlags(coreReleaseFlags, .when(configuration: .release))]
        ),
        .executableTarget(name: "glared", dependencies: ["Core"]),
        // Every command a user types starts a glarectl process, so its start-up is most of a submit's
        // latency. Release builds link it fully static (the Swift runtime, FoundationEssentials and
        // glibc inside): it starts in about 0.6 ms of CPU, against 12 ms loading 39 shared libraries
        // when it linked Core. SwiftPM compiles against the shared SDK, whose FoundationEssentials
        // does not name the static archives it needs, hence the three libraries below. The link warns
        // that getpwnam_r and its kin need the NSS modules of the glibc it was built with: glarectl
        // reaches them only for a `~user` path (TildeExpansion). Debug builds stay dynamic.
        .executableTarget(
            name: "glarectl",
            dependencies: ["GlareClient"],
            linkerSettings: [
                .unsafeFlags(["-static-executable"], .when(configuration: .release)),
                .linkedLibrary("_FoundationCShims", .when(configuration: .release)),
                .linkedLibrary("_FoundationCollections", .when(configuration: .release)),
                .linkedLibrary("swiftSynchronization", .when(configuration: .release)),
            ]
        ),
        .executableTarget(name: "glare-worker", dependencies: ["Core"]),
        .executableTarget(name: "glare-bench", dependencies: ["Core", "GlareClient"]),
        .testTarget(name: "CoreTests", dependencies: ["Core", "GlareClient"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Core", "GlareClient"]),
    ]
)
