@testable import ChildProcess
import Glibc
import Synchronization
import Testing

/// The async reaper when something else in the process reaps the child first (waitpid's ECHILD):
/// the typed condition spawnSync reports too, never an invented status.
@Suite("a child reaped behind the library's back")
struct ReapedElsewhereTests {
    @Test("waitForExit and waitForClose throw .childAlreadyReaped, and the status stays unknown")
    func asyncReaperReportsECHILD() async throws {
        let child = try ChildProcess.spawn("sleep", ["1000"], options: SpawnOptions(stdio: .all(.ignore)))
        let reapedHere = try reapOnReactorThread(child.pid)
        #expect(try await within { await reapedHere.value } == child.pid)
        let error = await #expect(throws: ChildProcessError.self) { try await within { try await child.waitForExit() } }
        #expect(error == .childAlreadyReaped)
        #expect(child.exitStatus == nil && child.exitCode == nil && child.signalCode == nil)
        await #expect(throws: ChildProcessError.childAlreadyReaped) { try await child.waitForClose() }
    }

    /// Kills `pid` and reaps it with waitid from a handler on the reactor's thread: the library's
    /// reaper runs on that thread too, so it cannot see the exit before the test has taken it.
    private func reapOnReactorThread(_ pid: Int32) throws -> Task<Int32, Never> {
        let (wakeRead, wakeWrite) = try FileDescriptor.pipe()
        let watcher = Watcher(wakeRead)
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        watcher.notify(when: .readable) { _ in
            Glibc.kill(pid, SIGKILL)
            var info = siginfo_t()
            let result = waitid(P_PID, id_t(pid), &info, WEXITED)
            continuation.yield(result == 0 ? info._sifields._sigchld.si_pid : -1)
            continuation.finish()
        }
        try wakeWrite.writeAll([1])
        return Task {
            defer {
                watcher.invalidate()
                try? wakeRead.close()
                try? wakeWrite.close()
            }
            for await reaped in stream { return reaped }
            return -1
        }
    }
}
