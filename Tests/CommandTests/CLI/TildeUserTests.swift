import ChildProcess
import Glibc
import Testing
@testable import CPL

/// `~user` in the static release binary, where glibc's getpwnam has no NSS modules: cpl reads
/// /etc/passwd itself (`UserDatabase`, tested in-process by CPLTests).
@Suite("~user in the static release cpl")
struct TildeUserTests {
    @Test(.enabled(if: BuiltCPL.releasePath != nil, "needs `swift build -c release`"))
    func tildeUserInTheStaticReleaseBinary() async throws {
        let binary = try #require(BuiltCPL.releasePath)
        let root = try #require(getpwnam("root")).pointee.pw_dir.map { String(cString: $0) }
        let result = await onThread { () -> SpawnSyncResult? in
            try? ChildProcess.spawnSync(
                binary, ["-c", "echo ~nonexistent; echo ~root; x=~nosuchuser/a; echo $x; x=foo:~nosuchuser,; echo $x"])
        }
        #expect(result?.status == .exited(0))
        #expect(result?.stdout == "~nonexistent\n\(root ?? "?")\n~nosuchuser/a\nfoo:~nosuchuser,\n")
    }
}
