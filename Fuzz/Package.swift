// swift-tools-version:6.0
// cpl's libFuzzer harnesses: a package of their own, because they only link with
// `-sanitize=fuzzer` (libFuzzer's driver). Run them with `Fuzz/run`.
import PackageDescription

let package = Package(
    name: "cpl-fuzz",
    dependencies: [.package(name: "cpl", path: "..")],
    targets: [
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(
            name: "cpl-fuzz", dependencies: ["CLibFuzzer", .product(name: "FuzzTargets", package: "cpl")],
            path: "Sources/cpl-fuzz"),
    ],
    swiftLanguageModes: [.v6]
)
