import ChildProcess
import Glibc
import Testing

/// `closeTimeout` (Go's `WaitDelay`): once the child has exited, pipes that a grandchild still
/// holds are waited for at most that long, then closed, and `closeTimedOut` says so.
@Suite("bounded close")
struct BoundedCloseTests {
    /// Exits at once, leaving a background sleep that holds stdout and stderr; prints its pid.
    private let leavesGrandchild = "sleep 100 & echo $!"

    @Test("exec returns within the bound while a grandchild holds stdout")
    func execReturnsWithinBound() async throws {
        var options = ExecOptions()
        options.closeTimeout = .milliseconds(200)
        let clock = ContinuousClock()
        let start = clock.now
        let command = leavesGrandchild
        let output = try await within { [options] in try await ChildProcess.exec(command, options: options) }
        let elapsed = clock.now - start
        let grandchild = try #require(Int32(output.stdout.split(separator: "\n").first ?? ""))
        defer { kill(grandchild, SIGKILL) }
        #expect(output.closeTimedOut)
        #expect(isRunning(grandchild), "the grandchild still held the pipe when it was closed")
        #expect(elapsed >= .milliseconds(200))
        #expect(elapsed < .seconds(60), "took \(elapsed): the bound is 200 ms")
    }

    @Test("waitForClose returns within the bound, with the pipes closed")
    func waitForCloseReturnsWithinBound() async throws {
        var options = SpawnOptions(stdio: [.ignore, .pipe, .pipe])
        options.closeTimeout = .milliseconds(100)
        let child = try ChildProcess.spawn("sh", ["-c", leavesGrandchild], options: options)
        var lines = child.stdout!.lines.makeAsyncIterator()
        let line = try await lines.next()
        let grandchild = try #require(Int32(line ?? ""))
        defer { kill(grandchild, SIGKILL) }
        #expect(try await within { try await child.waitForClose() } == .exited(0))
        #expect(child.closeTimedOut)
        #expect(try await lines.next() == nil)
    }

    @Test("pipes that end in time: nothing is cut, nothing reported")
    func endsInTime() async throws {
        var options = ExecOptions()
        options.closeTimeout = .seconds(3600)
        let command = "echo done"
        let output = try await within { [options] in try await ChildProcess.exec(command, options: options) }
        #expect(output.stdout == "done\n")
        #expect(!output.closeTimedOut)
    }
}
