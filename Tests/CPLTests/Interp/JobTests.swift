import Glibc
import Testing
@testable import CPL

@Suite("Background jobs")
struct JobTests {
    @Test func backgroundPidAndWait() async {
        let result = await run("sleep 1000 & p=$!; cat /proc/$p/comm; kill $p; wait $p; echo $?; (exit 7) & wait $!; echo $?; sh -c 'exit 5' & wait $!; echo $?")
        #expect(result.stdoutText == "sleep\n143\n7\n5\n")
        #expect(await run("sleep 0.1 & false & wait").status == 0)
        #expect(await run("false & echo $?").stdoutText == "0\n")
        #expect(await run("wait 999999; echo $?").stdoutText == "127\n")
    }

    @Test func startingAJobDoesNotWaitForItsExpansions() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        // The expansion leaves `expanded` as it ends; the script looks for it right after the start.
        let result = await run(
            "{ : $(sleep 1000; : > expanded); } & [ -e expanded ] && echo waited || echo quick; kill %1; wait; echo done",
            in: directory)
        #expect(result.stdoutText == "quick\ndone\n")
    }

    @Test func pidOfAPipelineIsItsLastStage() async {
        let result = await run("sleep 1 | sh -c 'sleep 1000; exit 4' & cat /proc/$!/cmdline | tr '\\0' ' '; echo; kill %1; wait $!; echo $?")
        #expect(result.stdoutText == "sh -c sleep 1000; exit 4 \n143\n")
    }

    @Test func backgroundStdinIsDevNull() async {
        let result = await run("cat & wait; cat <<< redirected & wait; cat", stdin: "data\n")
        #expect(result.stdoutText == "redirected\ndata\n")
    }

    @Test func backgroundJobsGetTheirOwnProcessGroup() async {
        let result = await run("sh -c 'echo $$ $(ps -o pgid= -p $$)' & wait")
        let fields = result.stdoutText.split(separator: " ").map { $0.trimmingCharacters(in: " \n") }
        #expect(fields.count == 2 && fields[0] == fields[1])
        // Foreground jobs stay in the interpreter's group (Ctrl-C reaches them).
        // The group is field 5 of /proc/PID/stat (the command names here have no blanks).
        let foreground = await run(
            "read -r _ _ _ _ group _ < /proc/$$/stat; echo $group; sh -c 'read -r _ _ _ _ group _ < /proc/$$/stat; echo $group'")
        let groups = foreground.stdoutText.split(separator: "\n")
        #expect(groups.count == 2 && groups[0] == groups[1], "\(foreground.stdoutText) \(foreground.stderrText)")
    }

    @Test func jobsListsThePidOfAJobJustStarted() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let result = await run(
            "sleep 1000 & jobs -p > pids; read -r pid < pids; [ \"$pid\" = \"$!\" ] && echo same; kill %1; wait", in: directory)
        #expect(result.stdoutText == "same\n")
    }

    @Test func jobsAndKill() async {
        let result = await run("sleep 1000 & sleep 1000 & jobs; kill %1; wait %1; echo $?; kill -s KILL %2; wait %2; echo $?; jobs; kill -l 143")
        #expect(result.stdoutText == "[1]-  Running                 sleep 1000 &\n[2]+  Running                 sleep 1000 &\n143\n137\nTERM\n")
        let errors = await run("kill %9; echo $?; kill -NOPE 1; echo $?")
        #expect(errors.stdoutText == "2\n2\n")
        #expect(errors.stderrText == "cpl: t.cpl:1:1: kill: %9: no such job\ncpl: t.cpl:1:19: kill: NOPE: unknown signal\n")
    }

    @Test func killingDollarBangStopsAGroupJob() async {
        // Killing only the sleep, or nothing, would let the group go on to `echo not-reached`.
        let result = await run("{ sleep 1000; echo not-reached; } & kill $!; wait; echo done")
        #expect(result.stdoutText == "done\n")
    }

    @Test func detachedJobsAreNotWaitedForAndRunInANewSession() async throws {
        let shell = makeInterpreter()
        let result = await run("sleep 1000 &! echo $!", interpreter: shell)
        let pid = try #require(Int32(result.stdoutText.trimmingSpaces))
        defer { Glibc.kill(pid, SIGKILL) }
        #expect(procStatField(pid, 6) == String(pid))  // session id: it leads a new session
        await shell.waitForBackgroundJobs()
        #expect(processIsAlive(pid), "the wait is over and the detached job still runs: it was not waited for")
        #expect(shell.jobs.isEmpty)
    }

    @Test func endOfScriptWaitsForBackgroundJobs() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let shell = makeInterpreter(in: directory)
        // Each job leaves a file as it ends: a job of the script, and one of a subshell.
        _ = await run("{ sleep 0.4; : > first; } & ( { sleep 0.4; : > second; } & )", interpreter: shell)
        await shell.waitForBackgroundJobs()
        #expect(readFileText("\(directory)/first") != nil)
        #expect(readFileText("\(directory)/second") != nil)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
