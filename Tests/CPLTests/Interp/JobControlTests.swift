import ChildProcess
import Glibc
import Testing
@testable import CPL

/// Job control without a terminal: stops, `fg`, `bg`, SIGINT and `interrupt()`,
/// with real processes that stop and signal themselves.
@Suite("Job control")
struct JobControlTests {
    private func shell(in directory: String) -> Interpreter {
        makeInterpreter(in: directory, options: Interpreter.Options(jobControl: JobControl()))
    }

    @Test func aStoppedPipelineBecomesAJobThatFgContinues() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let shell = shell(in: directory)
        // `kill -TSTP 0` stops the whole group, once both stages are in it, as Ctrl-Z does. (A stopped job
        // must not hold the captured output: the run would wait for its end, as for `&`.)
        let stopped = await run(
            "{ sh -c 'until [ -e ready ]; do sleep 0.01; done; kill -TSTP 0; echo resumed' | sh -c 'touch ready; exec cat' >> log; echo next >> log; } > /dev/null 2> messages",
            interpreter: shell)
        #expect(stopped.status == 0)  // the list went on after the stop, as in sh
        #expect(readFileText("\(directory)/messages") == "\n[1]+  Stopped                 sh -c 'until [ -e ready ]; do sleep 0.01; done; kill -TSTP 0; echo resumed' | sh -c 'touch ready; exec cat' >> log\n")
        #expect(readFileText("\(directory)/log") == "next\n")
        #expect(shell.jobs.count == 1 && shell.jobs[0].stopSignal == .terminalStop && shell.jobs[0].processIDs.count == 2)
        let status = await run("jobs; echo $?", interpreter: shell)
        #expect(status.stdoutText == "[1]+  Stopped                 sh -c 'until [ -e ready ]; do sleep 0.01; done; kill -TSTP 0; echo resumed' | sh -c 'touch ready; exec cat' >> log\n0\n")

        let resumed = await run("fg; echo $?", interpreter: shell)
        #expect(resumed.stdoutText == "sh -c 'until [ -e ready ]; do sleep 0.01; done; kill -TSTP 0; echo resumed' | sh -c 'touch ready; exec cat' >> log\n0\n")
        #expect(readFileText("\(directory)/log") == "next\nresumed\n")
        #expect(shell.jobs.isEmpty)
    }

    @Test func statusOfAStopIs128PlusTheSignal() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let shell = shell(in: directory)
        _ = await run("{ sh -c 'kill -STOP $$; exit 3' > out; echo $? > status; } 2> messages", interpreter: shell)
        #expect(readFileText("\(directory)/messages") == "\n[1]+  Stopped (signal)        sh -c 'kill -STOP $$; exit 3' > out\n")
        #expect(readFileText("\(directory)/status") == "147\n")
        // `bg` continues it in the background; `wait` collects it.
        let waited = await run("bg; wait %1; echo $?", interpreter: shell)
        #expect(waited.stdoutText == "[1]+ sh -c 'kill -STOP $$; exit 3' > out &\n3\n")
    }

    @Test func killingAStoppedJobContinuesItSoThatItDies() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let shell = shell(in: directory)
        _ = await run("sh -c 'kill -STOP $$' > out 2>&1", interpreter: shell)
        let killed = await run("kill %1; wait %1; echo $?", interpreter: shell)
        #expect(killed.stdoutText == "143\n")
    }

    @Test func cancellingARunWaitingInFgKillsTheJob() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let shell = shell(in: directory)
        _ = await run("sh -c 'kill -STOP $$; exec sleep 1000' > out 2>&1", interpreter: shell)
        let pid = try #require(shell.jobs.first?.processIDs.first)
        let waiting = Task { await run("fg > /dev/null", interpreter: shell) }
        #expect(await eventually { readFileText("/proc/\(pid)/comm") == "sleep\n" })  // continued
        let start = now()
        waiting.cancel()
        #expect(await waiting.value.ending == .cancelled)
        #expect(now() - start < hangGuardSeconds)  // not waited out: the sleep would take 1000 s
        #expect(await eventually { !processIsAlive(pid) })
    }

    @Test func aProcessKilledBySigintEndsTheWholeRun() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let shell = shell(in: directory)
        for script in [
            "sh -c 'kill -INT $$'; echo after", "(sh -c 'kill -INT $$'; echo after)",
            "{ sh -c 'kill -INT $$'; echo after; }", "sh -c 'kill -INT $$' | cat && echo after",
        ] {
            let result = await run(script, interpreter: shell)
            #expect(result.ending == .interrupted, "\(script)")
            #expect(result.status == 130, "\(script)")
            #expect(result.stdoutText == "", "\(script)")
        }
        // Without job control a SIGINT'd program is just a status (as in a script).
        let script = await run("sh -c 'kill -INT $$'; echo after $?")
        #expect(script.stdoutText == "after 130\n")
    }

    @Test func interruptStopsTheForegroundButNotTheBackground() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let shell = shell(in: directory)
        // (In a group with redirections: a job holds the descriptors of the context that starts it.)
        _ = await run("{ sleep 1000 & } > /dev/null 2>&1", interpreter: shell)
        let running = Task { await run("touch started; sleep 1000; echo not reached", interpreter: shell) }
        #expect(await eventually { readFileText("\(directory)/started") != nil })
        // Until the interpreter is waiting for the sleep, an interrupt stops it before it starts.
        shell.interrupt()
        let result = await running.value
        #expect(result.ending == .interrupted && result.status == 130)
        #expect(result.stdoutText == "")
        #expect(shell.jobs.count == 1 && shell.jobs[0].status == nil)
        let pid = try #require(shell.jobs.first?.processIDs.first)
        #expect(processIsAlive(pid))
        shell.signalJobs(.hangup)
        #expect(await eventually { !processIsAlive(pid) })
    }

    @Test func finishedJobsAreNotedOnce() async {
        let shell = shell(in: "/tmp")
        _ = await run("{ true & sh -c 'exit 3' & sleep 1000 & } > /dev/null 2>&1", interpreter: shell)
        #expect(await eventually { shell.jobs.filter { $0.status != nil }.count == 2 })
        #expect(shell.takeJobNotifications() == [
            "[1]   Done                    true", "[2]-  Exit 3                  sh -c 'exit 3'",
        ])
        #expect(shell.takeJobNotifications() == [])
        shell.signalJobs(.terminate)
        #expect(await eventually { shell.jobs.first?.status != nil })
        #expect(shell.takeJobNotifications() == ["[3]+  Terminated              sleep 1000"])
    }
}
