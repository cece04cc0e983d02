import ChildProcess
import CChildProcessShims
import Glibc
import Testing

/// The check the child makes after PR_SET_PDEATHSIG: a parent that died before the prctl took
/// effect sends nothing, so a child whose parent is not the one that spawned it ends itself. The
/// race cannot be forced, but the check compares the parent it sees with the request's
/// `expected_parent`: a request naming another process as the spawner is a child whose parent
/// has already gone.
@Suite("parent-death check")
struct ParentDeathCheckTests {
    /// Runs `sh -c 'exit 7'` with SIGTERM as the parent-death signal, through the spawn shim:
    /// how it ended, as a shell reports it.
    private func spawnExpectingParent(_ expectedParent: pid_t) throws -> Int32 {
        let arguments = ["sh", "-c", "exit 7"].map { (argument: String) in strdup(argument) }
        defer { arguments.forEach { free($0) } }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments + [nil]
        var pid: pid_t = 0
        var failedStep: Int32 = 0
        let error = "/bin/sh".withCString { path in
            argv.withUnsafeMutableBufferPointer { argv in
                var request = cp_spawn_request()
                request.path = path
                request.argv = UnsafePointer(argv.baseAddress)
                request.envp = UnsafePointer(environ)
                request.foreground_terminal = -1
                request.controlling_terminal = -1
                request.parent_death_signal = SIGTERM
                request.expected_parent = expectedParent
                return cp_spawn(&request, &pid, &failedStep)
            }
        }
        try #require(error == 0, "cp_spawn failed: \(Errno(rawValue: error)) at step \(failedStep)")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 { try #require(errno == EINTR) }
        return cp_wifsignaled(status) != 0 ? 128 + cp_wtermsig(status) : cp_wexitstatus(status)
    }

    @Test("a child whose parent is not the spawner dies of the parent-death signal before exec")
    func parentGoneBeforePrctl() throws {
        #expect(try spawnExpectingParent(getppid()) == 128 + SIGTERM)
    }

    @Test("a child whose parent is the spawner runs its program")
    func parentStillThere() throws {
        #expect(try spawnExpectingParent(getpid()) == 7)
    }
}
