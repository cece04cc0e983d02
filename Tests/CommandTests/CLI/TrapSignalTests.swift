import ChildProcess
import Glibc
import Testing
@testable import CPL

/// `cpl -c script` in a session of its own (a signal sent to its group reaches only it and its
/// children), with pipes for stdin, stdout and stderr. Killed if it is still running after the
/// hang guard (a loaded run of the whole suite can take well over 30 s to get through a storm).
/// (`ChildProcess.kill` signals that whole group: a signal for cpl alone goes through `kill(2)`.)
func startCPL(_ script: String, in directory: String) throws -> ChildProcess {
    var options = SpawnOptions(
        cwd: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "LC_ALL": "C"], stdio: .all(.pipe),
        detached: true)
    options.timeout = .seconds(hangGuardSeconds)
    options.killSignal = .kill
    return try ChildProcess.spawn(try BuiltCPL.required(), ["-c", script], options: options)
}

/// The lines an iterator has left.
func remainingLines(_ lines: inout LineSequence<StdioPipe>.AsyncIterator) async throws -> [String] {
    var rest: [String] = []
    while let line = try await lines.next() { rest.append(line) }
    return rest
}

/// The SigIgn masks that the lines "SigIgn:\t0000000000000002" of /proc/PID/status give.
private func ignoredMasks(_ output: String) -> [UInt64] {
    output.split(separator: "\n").compactMap { line in
        line.hasPrefix("SigIgn:") ? UInt64(String(line.dropFirst("SigIgn:".count)).trimmingSpaces, radix: 16) : nil
    }
}

private func bit(_ signal: Int32) -> UInt64 { 1 << UInt64(signal - 1) }

@Suite("Traps and real signals")
struct TrapSignalTests {
    // The signal pipe is made by the first trap: with no descriptor free it cannot be, and the
    // signal keeps its default action (it ended cpl before the pipe's creation could fail).
    @Test func aTrapThatCannotBeSetIsAnErrorAndTheNextOneWorks() async {
        let script = """
            ulimit -Sn 3; trap 'echo caught' USR1; echo "status $?"
            ulimit -Sn 64; trap 'echo caught' USR1; echo "status $?"; kill -USR1 $$; echo after
            """
        let result = await runCPL(["-c", script])
        #expect(result.stdout == "status 1\nstatus 0\ncaught\nafter\n")
        #expect(result.stderr == "cpl: -c:1:15: trap: SIGUSR1: cannot catch: Too many open files\n")
        #expect(result.status == 0)
    }

    @Test func exitTrapRunsOnExitAndKeepsItsStatus() async {
        let result = await runCPL(["-c", "trap 'echo bye $?' EXIT; echo running; exit 3; echo not reached"])
        #expect(result.stdout == "running\nbye 3\n")
        #expect(result.status == 3)
        let fromFunction = await runCPL(["-c", "f() { exit 4; }; trap 'echo bye' EXIT; f; echo not reached"])
        #expect(fromFunction.stdout == "bye\n")
        #expect(fromFunction.status == 4)
    }

    @Test func exitTrapRunsAtTheEndOfTheScript() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/end.cpl", "trap 'echo bye \"$?\"' EXIT\nfor i in 1 2; do echo $i; done\nfalse\n")
        let result = await runCPL(["end.cpl"], in: directory)
        #expect(result.stdout == "1\n2\nbye 1\n")
        #expect(result.status == 1)
    }

    /// The signal arrives while cpl waits for `sleep`: the EXIT trap runs, cpl then dies of the
    /// signal itself, and the `sleep` does not outlive it.
    @Test(arguments: [Signal.terminate, Signal.interrupt])
    func exitTrapRunsWhenASignalKillsCPL(_ signal: Signal) async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let cpl = try startCPL("trap 'echo bye' EXIT; sh -c 'echo $$; exec sleep 1000'; echo not reached", in: directory)
        cpl.stdin?.end()
        var lines = cpl.stdout!.lines.makeAsyncIterator()
        let sleeper = try #require(Int32(try await lines.next() ?? ""))
        #expect(processIsAlive(sleeper))
        #expect(kill(cpl.pid, signal.rawValue) == 0)
        let rest = try await remainingLines(&lines)
        #expect(rest == ["bye"])
        let status = try await cpl.waitForExit()
        #expect(status == .signaled(signal))
        #expect(await eventually { !processIsAlive(sleeper) }, "sleep \(sleeper) outlived cpl")
        kill(sleeper, SIGKILL)
    }

    /// A trapped signal waits for the foreground command: `cat` still reads and writes its line.
    @Test func aTrappedSignalRunsItsTrapAfterTheForegroundCommand() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let cpl = try startCPL(
            "trap 'echo caught' TERM; sh -c 'echo running; exec cat'; echo \"after $?\"", in: directory)
        var lines = cpl.stdout!.lines.makeAsyncIterator()
        #expect(try await lines.next() == "running")
        #expect(kill(cpl.pid, SIGTERM) == 0)
        try await cpl.stdin!.write("line\n")
        cpl.stdin!.end()
        let rest = try await remainingLines(&lines)
        #expect(rest == ["line", "caught", "after 0"])
        let status = try await cpl.waitForExit()
        #expect(status == .exited(0))
    }

    /// A signal that came while a program ran is taken when the program ends, even if no thread
    /// of cpl has run its handler yet: here none can, since cpl starts with the signal blocked
    /// (its threads inherit the mask) and only the look after a program lets it in.
    @Test func aSignalNoThreadHasHandledIsTakenWhenTheProgramEnds() async throws {
        let wrapper = "import os, signal, sys\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})\nos.execv(sys.argv[1], sys.argv[1:])"
        let script = "trap 'echo caught' TERM; sh -c 'kill -TERM $PPID'; echo after"
        let result = try await ChildProcess.execFile("/usr/bin/python3", ["-c", wrapper, try BuiltCPL.required(), "-c", script])
        #expect(result.stdout == "caught\nafter\n")
    }

    /// Ctrl-C as a terminal sends it: to the whole process group. With `trap '' INT` neither cpl
    /// nor its child dies of it.
    @Test func anIgnoredInterruptReachesTheWholeGroupAndKillsNothing() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let cpl = try startCPL("trap '' INT; sh -c 'echo running; exec cat'; echo \"after $?\"", in: directory)
        var lines = cpl.stdout!.lines.makeAsyncIterator()
        #expect(try await lines.next() == "running")
        #expect(kill(-cpl.pid, SIGINT) == 0)
        try await cpl.stdin!.write("line\n")
        cpl.stdin!.end()
        let rest = try await remainingLines(&lines)
        #expect(rest == ["line", "after 0"])
        let status = try await cpl.waitForExit()
        #expect(status == .exited(0))
    }

    /// A signal that arrives during the last command of a list still runs its trap: at the end of
    /// the script, of a loop's body, of a pipeline stage.
    @Test func aSignalDuringTheLastCommandRunsItsTrap() async {
        let last = await runCPL(["-c", "trap 'echo caught' TERM; kill -TERM $$"])
        #expect(last.stdout == "caught\n")
        #expect(last.status == 0)
        let loop = await runCPL(["-c", "trap 'echo caught $i' TERM; for i in 1 2; do kill -TERM $$; done; echo after"])
        #expect(loop.stdout == "caught 1\ncaught 2\nafter\n")
        let stage = await runCPL(["-c", "trap 'echo caught' USR1; kill -USR1 $$ | cat"])
        #expect(stage.stdout == "caught\n")
        let function = await runCPL(["-c", "trap 'echo caught' TERM; f() { kill -TERM $$; echo in f; }; f; echo after"])
        #expect(function.stdout == "caught\nin f\nafter\n")
    }

    /// What children inherit: an ignored signal stays ignored (in a subshell and a pipeline too);
    /// a trapped one and a reset one are at their default.
    @Test func childrenInheritOnlyIgnoredSignals() async {
        let result = await runCPL([
            "-c",
            """
            grep SigIgn /proc/self/status
            trap '' INT
            sh -c 'grep SigIgn /proc/$$/status'
            (grep SigIgn /proc/self/status)
            grep SigIgn /proc/self/status | cat
            trap 'echo caught' INT
            grep SigIgn /proc/self/status
            trap '' INT TERM
            grep SigIgn /proc/self/status
            trap - INT TERM
            grep SigIgn /proc/self/status
            """,
        ])
        #expect(result.status == 0)
        let interrupt = bit(SIGINT)
        #expect(ignoredMasks(result.stdout) == [0, interrupt, interrupt, interrupt, 0, interrupt | bit(SIGTERM), 0])
    }
}
