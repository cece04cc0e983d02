@testable import ChildProcess
import Glibc
import Synchronization
import Testing
import TestSupport

@Suite("spawnSync when following the child fails")
struct SpawnSyncFailureTests {
    @Test("a child reaped by someone else: .childAlreadyReaped, not an invented status")
    func childReapedElsewhere() async throws {
        let (pidReader, pidWrite) = try StdioPipe.makeReader()
        let (releaseRead, releaseWrite) = try FileDescriptor.pipe()
        // releaseWrite is closed once, when the test releases cat (or at the end if it never
        // got there): a second close could end another test's descriptor that reused the number.
        var released = false
        defer {
            [pidWrite, releaseRead].forEach { try? $0.close() }
            if !released { try? releaseWrite.close() }
        }
        var options = ExecOptions()
        options.stdio = [.ignore, .pipe, .pipe, .fd(pidWrite), .fd(releaseRead)]
        // sh reports its pid and exits, leaving a cat that holds stdout and stderr open until
        // released: spawnSync waits for those pipes before it reaps, so the test reaps first.
        let script = "echo $$ >&3; exec 3>&-; echo out; cat <&4 & exit 0"
        // spawnSync blocks its thread for the child's whole life: not one of the test tasks' few threads.
        let run = Task { await onThread { [options] in Result { () throws(ExecError) in try ChildProcess.spawnSync("sh", ["-c", script], options: options) } } }
        var lines = pidReader.lines.makeAsyncIterator()
        let pid = try #require(try await lines.next().flatMap { Int32($0) })
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        try releaseWrite.close()
        released = true
        let outcome = try await within { await run.value }
        #expect(throws: ExecError.self) { try outcome.get() }
        guard case .failure(let error) = outcome else { return }
        #expect(error.reason == .childAlreadyReaped)
        #expect(error.status == nil)
        #expect(error.stdout == "out\n", "the output collected is kept")
        #expect(error.message.contains("ECHILD"))
    }

    @Test("poll failing with an error other than EINTR: .pollFailed, the child killed and reaped")
    func pollFails() throws {
        let calls = Atomic<Int>(0)
        var options = ExecOptions()
        // Bounds the run should the error be ignored; the failure is on the first poll.
        options.timeout = .seconds(5)
        do {
            let result = try ChildProcess.spawnSync("sleep", ["30"], options: options) { fds, count, timeout in
                if calls.add(1, ordering: .relaxed).newValue == 1 {
                    errno = ENOMEM
                    return -1
                }
                return Glibc.poll(fds, count, timeout)
            }
            Issue.record("spawnSync returned \(result.status), \(String(describing: result.error)) after poll failed")
        } catch {
            #expect(error.reason == .pollFailed(Errno(rawValue: ENOMEM)))
            #expect(error.status == .signaled(.terminate))
            #expect(error.killed)
            #expect(calls.load(ordering: .relaxed) == 1, "no poll after the failure")
        }
    }

    @Test("spawnSync throws .spawnFailed with the command line when the child cannot start")
    func spawnFailureThroughSyncForms() {
        do {
            _ = try ChildProcess.spawnSync("/no/such/program", ["a"])
            Issue.record("spawnSync of a missing program succeeded")
        } catch {
            guard case .spawnFailed(let spawnError) = error.reason else {
                Issue.record("wrong reason \(error.reason)")
                return
            }
            #expect(spawnError.code == "ENOENT")
            #expect(error.cmd == "/no/such/program a")
            #expect(error.status == nil)
        }
    }
}
