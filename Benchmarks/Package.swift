// swift-tools-version:6.2
// cpl's benchmarks: a package of their own, so that users of cpl never build the peers.
// Run everything with `Benchmarks/run` (or `Benchmarks/run --quick`).
import PackageDescription

let package = Package(
    name: "cpl-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "cpl", path: ".."),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // Timing, peak RSS and the result line every contender prints. No Foundation.
        .target(name: "BenchSupport", path: "Sources/BenchSupport"),
        // The driver (round-robin over contenders, the Markdown table) and cpl's own contenders.
        // It links ChildProcess only, so its baseline memory is what a ChildProcess user pays.
        .executableTarget(
            name: "bench",
            dependencies: ["BenchSupport", .product(name: "ChildProcess", package: "cpl")],
            path: "Sources/bench"),
        // Each peer in an executable of its own: a fresh process per measurement, and peak RSS per contender.
        .executableTarget(name: "bench-foundation", dependencies: ["BenchSupport"], path: "Sources/bench-foundation"),
        .executableTarget(
            name: "bench-subprocess",
            dependencies: ["BenchSupport", .product(name: "Subprocess", package: "swift-subprocess")],
            path: "Sources/bench-subprocess"),
    ],
    swiftLanguageModes: [.v6]
)
