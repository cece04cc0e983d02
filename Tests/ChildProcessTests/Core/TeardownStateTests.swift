@testable import ChildProcess
import Glibc
import Testing

/// What cancellation and the timeout leave behind once the child has exited by itself: no abort,
/// no timed-out flag, no sleeping timeout task, no action kept by a cancellation handle.
@Suite("teardown state after a normal exit")
struct TeardownStateTests {
    private var quiet: SpawnOptions { SpawnOptions(stdio: .all(.ignore)) }

    @Test("a cancellation handle cancelled after the child exited: the wait returns the exit status")
    func handleCancelledAfterExit() async throws {
        let handle = CancellationHandle()
        var options = quiet
        options.cancellation = handle
        let child = try ChildProcess.spawn("sh", ["-c", "exit 3"], options: options)
        #expect(try await within { try await child.waitForExit() } == .exited(3))
        handle.cancel()
        #expect(try await within { try await child.waitForExit() } == .exited(3))
        #expect(!child.killed)
    }

    @Test("a wait cancelled after the child exited returns the exit status")
    func taskCancelledAfterExit() async throws {
        let child = try ChildProcess.spawn("true", options: quiet)
        #expect(try await within { try await child.waitForExit() } == .exited(0))
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await child.waitForExit()
        }
        #expect(try await waiter.value == .exited(0))
    }

    @Test("the timeout firing after the child exited does not mark it timed out")
    func expiryAfterExit() async throws {
        let child = try ChildProcess.spawn("true", options: quiet)
        #expect(try await within { try await child.waitForExit() } == .exited(0))
        child.expire()
        #expect(!child.timedOut)
        #expect(!child.killed)
    }

    @Test("a long timeout on a child that exits first: the exit cancels the timeout task")
    func timeoutTaskEndsWithChild() async throws {
        var options = SpawnOptions(stdio: [.pipe, .ignore, .ignore])
        options.timeout = .seconds(3600)
        // Runs until its stdin ends, so the timeout starts while it is alive.
        let child = try ChildProcess.spawn("cat", options: options)
        let timeout = try #require(child.timeoutTask)
        child.stdin!.end()
        #expect(try await within { try await child.waitForExit() } == .exited(0))
        // Cancelled by the exit itself, before the wait returned; awaiting it would otherwise
        // take the hour (a task's value cannot be abandoned).
        try #require(timeout.isCancelled)
        await timeout.value
        #expect(!child.timedOut)
    }

    @Test("a timeout on a child that has already exited starts no task")
    func timeoutAfterExit() async throws {
        let child = try ChildProcess.spawn("true", options: quiet)
        #expect(try await within { try await child.waitForExit() } == .exited(0))
        child.expire(after: .seconds(3600))
        #expect(child.timeoutTask == nil)
    }

    @Test("a cancellation handle used for 1,000 children holds none of them after they exit",
          .timeLimit(.minutes(1)))
    func handleForgetsFinishedChildren() async throws {
        let handle = CancellationHandle()
        var options = quiet
        options.cancellation = handle
        for _ in 0..<1000 {
            let child = try ChildProcess.spawn("true", options: options)
            try await child.waitForExit()
        }
        #expect(handle.registeredActionCount == 0)
        #expect(!handle.isCancelled)
    }

    @Test("a cancellation handle still kills the children that are running")
    func handleKillsRunningChildren() async throws {
        let handle = CancellationHandle()
        var options = quiet
        options.cancellation = handle
        let done = try ChildProcess.spawn("true", options: options)
        try await done.waitForExit()
        let running = try ChildProcess.spawn("sleep", ["30"], options: options)
        #expect(handle.registeredActionCount == 1)
        handle.cancel()
        await #expect(throws: ChildProcessError.aborted(.signaled(.terminate))) {
            try await within { try await running.waitForExit() }
        }
        #expect(try await done.waitForExit() == .exited(0))
    }
}
