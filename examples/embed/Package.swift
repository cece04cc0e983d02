// swift-tools-version:6.0
// A tiny program that embeds the cpl interpreter:
//   swift run --package-path examples/embed --scratch-path .build-embed
import PackageDescription

let package = Package(
    name: "EmbedExample",
    // `name:` gives the root package a fixed identity, whatever its checkout directory is called.
    dependencies: [.package(name: "cpl", path: "../..")],
    targets: [
        .executableTarget(name: "EmbedExample", dependencies: [.product(name: "CPL", package: "cpl")]),
    ],
    swiftLanguageModes: [.v6]
)
