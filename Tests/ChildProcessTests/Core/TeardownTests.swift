import ChildProcess
import Glibc
import TestSupport
import Testing

/// One teardown path for `tearDown()`, timeout, cancellation and maxBuffer, in the async and the
/// sync forms: the steps run in order, SIGKILL ends an escalation, and the report names the step.
@Suite("teardown")
struct TeardownTests {
    /// SIGWINCH's default action is to ignore it: a first step that every child survives, with
    /// nothing to set up in the child (no race with a trap being installed).
    private var ignoredFirst: Teardown { Teardown([.send(.windowChange, gracePeriod: .milliseconds(100))]) }

    @Test("a child that ignores SIGTERM is escalated to SIGKILL, and the report says so")
    func escalatesPastIgnoredTerminate() async throws {
        // `exec` keeps the ignored disposition that the trap set: sleep itself ignores SIGTERM.
        let child = try ChildProcess.spawn("sh", ["-c", "trap '' TERM; echo ready; exec sleep 1000"],
                                           options: SpawnOptions(stdio: [.ignore, .pipe, .ignore]))
        var lines = child.stdout!.lines.makeAsyncIterator()
        #expect(try await lines.next() == "ready")
        let report = try await within { await child.tearDown(using: .terminate(gracePeriod: .milliseconds(200))) }
        #expect(report == TeardownReport(cause: .requested, step: 1, signal: .kill, status: .signaled(.kill)))
        #expect(child.exitStatus == .signaled(.kill))
        #expect(child.teardownReport == report)
    }

    @Test("a child that dies of the first step stops the escalation there")
    func firstStepEnds() async throws {
        let child = try ChildProcess.spawn("sleep", ["1000"], options: SpawnOptions(stdio: .all(.ignore)))
        let report = try await within { await child.tearDown(using: .terminate(gracePeriod: .seconds(3600))) }
        #expect(report == TeardownReport(cause: .requested, step: 0, signal: .terminate, status: .signaled(.terminate)))
    }

    @Test("tearDown on a child that has exited reports nothing and sends nothing")
    func afterExit() async throws {
        let child = try ChildProcess.spawn("true", options: SpawnOptions(stdio: .all(.ignore)))
        _ = try await within { try await child.waitForExit() }
        #expect(await child.tearDown() == nil)
        #expect(!child.killed)
    }

    @Test("timeout with the default teardown: Node's killSignal, reported as step 0")
    func timeoutDefault() async throws {
        var options = ExecOptions()
        options.timeout = .milliseconds(50)
        options.killSignal = .interrupt
        let error = await #expect(throws: ExecError.self) {
            try await within { [options] in try await ChildProcess.execFile("sleep", ["1000"], options: options) }
        }
        #expect(error?.reason == .timedOut)
        #expect(error?.teardown == TeardownReport(cause: .timedOut, step: 0, signal: .interrupt, status: .signaled(.interrupt)))
    }

    @Test("timeout through an escalating teardown ends with SIGKILL")
    func timeoutEscalates() async throws {
        var options = ExecOptions()
        options.timeout = .milliseconds(50)
        options.teardown = ignoredFirst
        let error = await #expect(throws: ExecError.self) {
            try await within { [options] in try await ChildProcess.execFile("sleep", ["1000"], options: options) }
        }
        #expect(error?.reason == .timedOut)
        #expect(error?.teardown == TeardownReport(cause: .timedOut, step: 1, signal: .kill, status: .signaled(.kill)))
    }

    @Test("the sync forms run the same teardown")
    func syncTimeoutEscalates() throws {
        var options = ExecOptions()
        options.timeout = .milliseconds(50)
        options.teardown = ignoredFirst
        let result = try ChildProcess.spawnSync("sleep", ["1000"], options: options)
        #expect(result.error == .timedOut)
        #expect(result.teardown == TeardownReport(cause: .timedOut, step: 1, signal: .kill, status: .signaled(.kill)))
    }

    @Test("cancellation through an escalating teardown")
    func cancellationEscalates() async throws {
        let handle = CancellationHandle()
        var options = SpawnOptions(stdio: .all(.ignore))
        options.cancellation = handle
        options.teardown = ignoredFirst
        let child = try ChildProcess.spawn("sleep", ["1000"], options: options)
        handle.cancel()
        await #expect(throws: ChildProcessError.aborted(.signaled(.kill))) {
            _ = try await within { try await child.waitForExit() }
        }
        #expect(child.teardownReport == TeardownReport(cause: .cancelled, step: 1, signal: .kill, status: .signaled(.kill)))
    }

    @Test("maxBuffer overflow goes through the teardown")
    func maxBufferTearsDown() async throws {
        var options = ExecOptions()
        options.maxBuffer = 10
        options.teardown = Teardown([.send(.kill, gracePeriod: .seconds(3600))])
        let error = await #expect(throws: ExecError.self) {
            try await within { [options] in try await ChildProcess.exec("echo 0123456789abcdef; exec sleep 1000", options: options) }
        }
        #expect(error?.reason == .maxBufferExceeded(descriptor: 1))
        #expect(error?.teardown == TeardownReport(cause: .maxBufferExceeded, step: 0, signal: .kill, status: .signaled(.kill)))
    }

    @Test("a teardown under way is joined, not restarted")
    func joinsTeardownUnderWay() async throws {
        var options = SpawnOptions(stdio: .all(.ignore))
        options.timeout = .milliseconds(20)
        options.teardown = ignoredFirst
        let child = try ChildProcess.spawn("sleep", ["1000"], options: options)
        // Waits for the timeout's teardown to start: the exit it waits for comes from it.
        #expect(await eventually { child.killed })
        let report = try await within { await child.tearDown(using: .signal(.terminate)) }
        #expect(report == TeardownReport(cause: .timedOut, step: 1, signal: .kill, status: .signaled(.kill)))
    }
}
