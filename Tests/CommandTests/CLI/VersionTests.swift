import Glibc
import Testing

/// `cpl --version` is the release's semantic version, and the changelog's newest entry is that
/// release (an "Unreleased" entry may sit above it): the packages and the git tag take the version
/// from the same source, so a bump that forgets the changelog (or the reverse) fails here.
@Suite("The cpl version")
struct VersionTests {
    @Test func versionIsSemanticAndTheChangelogsNewest() async throws {
        let result = await runCPL(["--version"])
        #expect(result.status == 0)
        let version = try #require(result.stdout.wholeMatch(of: /cpl (\d+)\.(\d+)\.(\d+)\n/)).output
        let number = "\(version.1).\(version.2).\(version.3)"
        // Tests/CommandTests/CLI/VersionTests.swift → the package root, three folders up.
        let root = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(4).joined(separator: "/")
        let changelog = try #require(readFileText("\(root)/CHANGELOG.md"), "no CHANGELOG.md at \(root)")
        // Changes not released yet gather under "## Unreleased", above the newest release.
        let newest = changelog.split(separator: "\n").first { $0.hasPrefix("## ") && $0 != "## Unreleased" }
        #expect(newest?.hasPrefix("## \(number) — ") == true, "CHANGELOG.md's newest entry is \(newest ?? "missing"), cpl says \(number)")
    }
}
