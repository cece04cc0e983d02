// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cpl",
    products: [
        .library(name: "ChildProcess", targets: ["ChildProcess"]),
        .library(name: "CPL", targets: ["CPL"]),
        .executable(name: "cpl", targets: ["cpl"]),
        // The fuzz harnesses' bodies, for `Fuzz/` (its own package) and the regression-corpus test.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        // `swift package generate-documentation`: the DocC catalogs in Sources/*/*.docc (a command
        // plugin only; nothing of it is linked into the libraries).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // FileDescriptor, Errno and FilePath: one set of system types shared with swift-subprocess
        // and SwiftNIO users (ChildProcess re-exports them).
        .package(url: "https://github.com/apple/swift-system", from: "1.8.0"),
    ],
    targets: [
        // The only C: what Swift cannot express (fork-path child code, CMSG macros, raw syscalls).
        .target(name: "CChildProcessShims"),
        .target(
            name: "ChildProcess",
            dependencies: ["CChildProcessShims", .product(name: "SystemPackage", package: "swift-system")]),
        // Async functions run on their caller's executor: an interpreter loop of builtins and
        // arithmetic makes no executor switch per command.
        .target(
            name: "CPL", dependencies: ["ChildProcess"],
            swiftSettings: [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]),
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        // Release builds are fully static (Swift runtime and libc): no dynamic loader, so
        // `cpl -c true` starts in ~1.1 ms instead of ~1.6 ms with -static-stdlib.
        .executableTarget(
            name: "cpl", dependencies: ["CPL", "CReadline"],
            linkerSettings: [.unsafeFlags(["-static-executable"], .when(configuration: .release))]),
        // A real parent process for tests that need one (detach, fd and zombie counts, signal state).
        .executableTarget(name: "ChildProcessFixture", dependencies: ["ChildProcess"]),
        // The seed's IPC examples (the JavaScript sides live in examples/ipc/).
        .executableTarget(name: "ipc-examples", dependencies: ["ChildProcess"], path: "examples/ipc/swift"),
        .testTarget(name: "ChildProcessTests", dependencies: ["ChildProcess", "ChildProcessFixture", "TestSupport"]),
        // What the test targets share (temporary files, /proc, waiting for effects); no module of ours.
        .target(name: "TestSupport", path: "Tests/TestSupport", exclude: ["loopback-sshd.sh"]),
        // The fuzzers' harness bodies (Fuzz/), replayed on their regression corpus by CPLTests.
        .target(name: "FuzzTargets", dependencies: ["CPL", "ChildProcess"], path: "Fuzz/Targets"),
        .testTarget(name: "CPLTests", dependencies: ["CPL", "FuzzTargets", "TestSupport"]),
        // The `cpl` executable as a process: its command line, dash side by side, the REPL on a pty.
        .testTarget(
            name: "CommandTests", dependencies: ["CPL", "ChildProcess", "TestSupport"],
            exclude: [
                "Differential/cases.txt", "Differential/cases-control.txt", "Differential/cases-functions.txt",
                "Differential/cases-arith.txt", "Differential/cases-builtins.txt", "Differential/cases-splitting.txt", "Differential/cases-posix.txt",
                "Differential/cases-special-errors.txt", "Differential/cases-shell-builtins.txt",
                "Differential/cases-lexing.txt", "Differential/cases-extensions.txt", "Differential/cases-descriptors.txt",
                "Differential/cases-immediate.txt",
                "Differential/cases-full-device.txt",
                "Differential/validate-oracle.py",
                "Differential/cases-ifs.txt", "Autoconf/demo", "Autoconf/more",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
