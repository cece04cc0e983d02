import ChildProcess
import Glibc
import Synchronization
import Testing
@testable import CPL

@Suite("Embedding API")
struct EmbeddingTests {
    @Test func customBuiltinAsAPipelineStage() async {
        let shell = makeInterpreter()
        shell.registerBuiltin("upper") { call in
            do {
                for try await line in call.stdin.lines {
                    try await call.stdout.write(line.uppercased() + "\n")
                }
                return 0
            } catch {
                return 1
            }
        }
        shell.registerBuiltin("describe") { call in
            try? await call.stdout.write("\(call.arguments) \(call.environment["GREETING"] ?? "-") \(call.workingDirectory)\n")
            return 3
        }
        let result = await run("printf 'b\\na\\n' | upper | sort -r; GREETING=hi describe x 'y z'; echo $?", interpreter: shell)
        #expect(result.stdoutText == "B\nA\n[\"describe\", \"x\", \"y z\"] hi /tmp\n3\n")
    }

    @Test func customBuiltinWritingIntoAClosedPipeGets141() async {
        let shell = makeInterpreter()
        shell.registerBuiltin("forever") { call in
            while (try? await call.stdout.write("line\n")) != nil {}
            return 0
        }
        let result = await run("set -o pipefail; forever | head -n 2; echo $?", interpreter: shell)
        #expect(result.stdoutText == "line\nline\n141\n")
    }

    @Test func execHandlerRecordsSandboxesAndReplaces() async {
        let shell = makeInterpreter()
        let recorded = Mutex<[[String]]>([])
        shell.addExecHandler { request, next in
            recorded.withLock { $0.append(request.arguments) }
            return await next(request)
        }
        shell.addExecHandler { request, next in
            switch request.arguments[0] {
            case "fake-tool":
                // Replaced: never spawned; writes to the stage's stdout (a pipe here).
                try? await request.stdout.write("fake output \(request.arguments.dropFirst().joined(separator: ","))\n")
                return 0
            case "rm":
                try? await request.stderr.write("rm is not allowed\n")
                return 126
            default:
                var request = request
                request.environment["SANDBOXED"] = "yes"
                return await next(request)
            }
        }
        let result = await run("fake-tool a b | tr a-z A-Z; rm -rf /nothing; echo $?; sh -c 'echo $SANDBOXED'", interpreter: shell)
        #expect(result.stdoutText == "FAKE OUTPUT A,B\n126\nyes\n")
        #expect(result.stderrText == "rm is not allowed\n")
        #expect(recorded.withLock { $0 } == [["tr", "a-z", "A-Z"], ["sh", "-c", "echo $SANDBOXED"]])
    }

    @Test func jobObserverSeesStartsAndExits() async {
        let shell = makeInterpreter()
        let events = Mutex<[JobEvent]>([])
        shell.observeJobs { event in events.withLock { $0.append(event) } }
        _ = await run("sh -c 'exit 3'; sleep 0.1 & wait", interpreter: shell)
        let seen = events.withLock { $0 }
        let finished = seen.compactMap { event -> JobInfo? in
            if case .finished(let info) = event { return info }
            return nil
        }
        #expect(seen.count == 6)
        #expect(finished.map(\.command) == ["sh -c 'exit 3'", "sleep 0.1", "wait"])
        #expect(finished.map(\.status) == [3, 0, 0])
        #expect(finished[1].mode == .background && finished[1].number == 1 && finished[1].processIDs.count == 1)
    }

    @Test func captureFeedAndState() async throws {
        let shell = makeInterpreter(in: "/")
        shell.setVariable("NAME", "world", exported: true)
        shell.positionalParameters = ["p1"]
        shell.workingDirectory = "/usr"
        let result = try await shell.run(
            "read_all=$(cat); echo \"$read_all $NAME $1 $PWD\"; sh -c 'printf \"%s\" \"$NAME\" >&2'; LOCAL=1; export EXPORTED=2",
            stdin: .bytes(Array("input".utf8)), stdout: .capture, stderr: .capture)
        #expect(result.stdoutText == "input world p1 /usr\n")
        #expect(result.stderr == Array("world".utf8))
        #expect(shell.variable("LOCAL") == "1")
        #expect(shell.environment["EXPORTED"] == "2" && shell.environment["LOCAL"] == nil)
        #expect(shell.lastStatus == 0)
        let next = try await shell.run("echo $LOCAL $EXPORTED; cd /; exit 4", stdout: .capture)
        #expect(next.stdoutText == "1 2\n")
        #expect(next.exitRequested && next.status == 4)
        #expect(shell.workingDirectory == "/")
    }

    /// Variables are told apart by their bytes, as in dash: `K` and the Kelvin sign (U+212A, which
    /// Swift's `==` takes for `K`) are two variables; `variables` keeps one of them per String key.
    @Test func variableNamesAreTheirBytes() async throws {
        let shell = makeInterpreter()
        shell.setVariable("\u{212A}", "kelvin")
        let result = try await shell.run("K=ascii; echo $K", stdout: .capture)
        #expect(result.stdoutText == "ascii\n")
        #expect(shell.variable("\u{212A}") == "kelvin" && shell.variable("K") == "ascii")
        #expect(["kelvin", "ascii"].contains(shell.variables["K"]))
    }

    @Test func syntaxErrorsRunNothing() async {
        let shell = makeInterpreter()
        do {
            _ = try await shell.run("export RAN=yes\necho ( oops")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.line == 2)
        }
        #expect(shell.variable("RAN") == nil)
    }

    @Test func parseOnlyGivesTheProgramAndPlanWithPositions() async throws {
        let shell = makeInterpreter()
        shell.setVariable("DIR", "/data")
        let (program, plan) = try await shell.plan("X=1\nls $DIR/$X | wc -l > out", fileName: "p.cpl")
        #expect(program.items.count == 2)
        #expect(plan.jobs[1].range.start.line == 2)
        #expect(plan.jobs[1].pipelines[0].stages[0].action == .program(arguments: ["ls", "/data/1"]))
        #expect(plan.jobs[1].pipelines[0].stages[1].range.start.column == 14)
        #expect(shell.variable("X") == nil)  // nothing ran
    }

    @Test func commandNamesAreBuiltinsAndProgramsOnThePath() {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        mkdir("\(directory)/bin", 0o755)
        mkdir("\(directory)/bin/mydir", 0o755)
        createFile("\(directory)/bin/mytool", "#!/bin/sh\n", mode: 0o755)
        createFile("\(directory)/bin/mydata", "data\n", mode: 0o644)
        createFile("\(directory)/myhere", "#!/bin/sh\n", mode: 0o755)
        // A relative PATH entry (and an empty one) is taken from the interpreter's directory.
        let shell = Interpreter(environment: ["PATH": "bin::/nonexistent"], workingDirectory: directory)
        shell.registerBuiltin("mybuiltin") { _ in 0 }
        #expect(shell.commandNames(startingWith: "my") == ["mybuiltin", "myhere", "mytool"])
        #expect(shell.commandNames(startingWith: "ex").contains("export"))
    }

    @Test func cancellationKillsTheJobsProcessGroups() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let shell = makeInterpreter(in: directory, options: Interpreter.Options(jobControl: JobControl()))
        let task = Task {
            // A background job and a foreground job, each with a grandchild in its group.
            await run("sh -c 'sleep 1000 & echo $! > bg; wait' & sh -c 'sleep 1000 & echo $! > fg; wait'", in: directory, interpreter: shell)
        }
        #expect(await eventually { readFileText("\(directory)/fg") != nil && readFileText("\(directory)/bg") != nil })
        let start = now()
        task.cancel()
        let result = await task.value
        #expect(result.ending == .cancelled)
        #expect(now() - start < hangGuardSeconds)  // not waited out: the sleeps would take 1000 s
        let grandchildren = ["fg", "bg"].compactMap { readFileText("\(directory)/\($0)").flatMap { Int32($0.trimmingSpaces) } }
        #expect(grandchildren.count == 2)
        for pid in grandchildren {
            #expect(await eventually { !processIsAlive(pid) }, "grandchild \(pid) survived")
        }
    }

    /// A remote stage's ssh is the stage's program (a fan-out's, one per host): cancelling the run
    /// ends it, its remote command ends with the session, and the status is the one a local
    /// program's cancellation gives, without a message. The cancelled run stops its ssh masters
    /// and removes their ControlPath directory (the ssh clients' argv names it).
    @Test func cancellationEndsARemoteStageAsALocalOne() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let shell = Interpreter(
            environment: ["PATH": "/usr/bin:/bin", "HOME": "/tmp", "LC_ALL": "C", "CPL_SSH_COMMAND": hosts.sshCommand],
            workingDirectory: "/tmp")
        var results: [RunResult] = []
        for placement in ["", "@h1 ", "@{h1,h2} "] {
            let marker = "\(getpid())\(Int.random(in: 10000...99999))"
            let task = Task { await run("\(placement)sleep \(marker); echo not reached", interpreter: shell) }
            let hostCount = placement.isEmpty ? 0 : placement.split(separator: ",").count
            #expect(await eventually { processes(running: ["sleep", marker]).count == max(1, hostCount) })
            let clients = processes(mentioning: marker).filter { (readFileText("/proc/\($0)/comm") ?? "") == "ssh\n" }
            #expect(clients.count == hostCount)
            let controlPath = clients.lazy.compactMap {
                (readFileText("/proc/\($0)/cmdline") ?? "").split(separator: "\0").first { $0.hasPrefix("ControlPath=") }
            }.first
            let directory = controlPath.map { String($0.dropFirst("ControlPath=".count).dropLast("/%C".count)) }
            #expect(directory != nil || hostCount == 0)
            task.cancel()
            results.append(await task.value)
            #expect(await eventually { processes(running: ["sleep", marker]).isEmpty }, "\(placement)sleep left running")
            #expect(await eventually { clients.allSatisfy { !processIsAlive($0) } }, "ssh left running")
            if let directory {
                #expect(access(directory, F_OK) != 0, "\(directory) is left")
                #expect(await eventually { processes(mentioning: directory).isEmpty }, "a master of \(directory) is left")
            }
        }
        #expect(results.map(\.ending) == [.cancelled, .cancelled, .cancelled])
        #expect(results.map(\.status) == [results[0].status, results[0].status, results[0].status])
        #expect(results.allSatisfy { $0.stdoutText.isEmpty })
        #expect(results.dropFirst().map(\.stderrText) == ["", ""])
    }

    /// Each interpreter has its own masters: cancelling one's run leaves another's remote stage,
    /// running meanwhile, its connection and directory (the ssh client's argv names it).
    @Test func cancellingOneInterpreterLeavesAnothersConnections() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let environment = ["PATH": "/usr/bin:/bin", "HOME": "/tmp", "LC_ALL": "C", "CPL_SSH_COMMAND": hosts.sshCommand]
        let remote = Interpreter(environment: environment, workingDirectory: "/tmp")
        let local = Interpreter(environment: environment, workingDirectory: "/tmp")
        let marker = "\(getpid())\(Int.random(in: 10000...99999))"
        let long = Task { await run("@h1 sleep \(marker)1", interpreter: remote) }
        #expect(await eventually { !processes(running: ["sleep", "\(marker)1"]).isEmpty })
        let client = try #require(processes(mentioning: "\(marker)1").first { readFileText("/proc/\($0)/comm") == "ssh\n" })
        let controlPath = try #require((readFileText("/proc/\(client)/cmdline") ?? "").split(separator: "\0").first { $0.hasPrefix("ControlPath=") })
        let directory = String(controlPath.dropFirst("ControlPath=".count).dropLast("/%C".count))
        let cancelled = Task { await run("sleep \(marker)2", interpreter: local) }
        #expect(await eventually { !processes(running: ["sleep", "\(marker)2"]).isEmpty })
        cancelled.cancel()
        #expect(await cancelled.value.ending == .cancelled)
        #expect(access(directory, F_OK) == 0, "another interpreter's cancelled run removed \(directory)")
        #expect(processIsAlive(client))
        long.cancel()
        #expect(await long.value.ending == .cancelled)
        #expect(access(directory, F_OK) != 0, "\(directory) is left")
    }

    /// An interpreter released, the process going on: its masters stop and its directory goes. The
    /// directory is read from the argv that CPL_SSH_COMMAND's recorder saw. The recorder gives ssh
    /// a ControlPersist of its own, which comes first and so wins over cpl's 30 s: the master then
    /// goes only when asked to stop, however long a loaded machine takes to release the interpreter
    /// (the suite once took 42 s here, and the master had stopped itself, idle, before the release).
    @Test func releasingAnInterpreterStopsItsConnections() async throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile(
            "\(directory)/record",
            "#!/bin/sh\nprintf '%s\\n' \"$@\" >> \"${0%/*}/arguments\"\nssh=$1\nshift\nexec \"$ssh\" -o ControlPersist=600 \"$@\"\n",
            mode: 0o755)
        let environment = ["PATH": "/usr/bin:/bin", "HOME": "/tmp", "LC_ALL": "C", "CPL_SSH_COMMAND": "\(directory)/record \(hosts.sshCommand)"]
        func runOnce() async -> Int32 {
            await run("@h1 true", interpreter: Interpreter(environment: environment, workingDirectory: directory)).status
        }
        func recorded() -> [Substring] { (readFileText("\(directory)/arguments") ?? "").split(separator: "\n") }
        #expect(await runOnce() == 0)
        let controlPath = try #require(recorded().first { $0.hasPrefix("ControlPath=") })
        let controlDirectory = String(controlPath.dropFirst("ControlPath=".count).dropLast("/%C".count))
        #expect(await eventually { access(controlDirectory, F_OK) != 0 }, "\(controlDirectory) is left")
        #expect(await eventually { processes(mentioning: controlDirectory).isEmpty }, "a master of \(controlDirectory) is left")
        // The stop is recorded before the directory goes, so the record read now has it.
        #expect(recorded().contains("stop"), "no master was asked to stop")
    }

    @Test func jobControlGivesEachForegroundPipelineItsOwnGroup() async throws {
        let shell = makeInterpreter(options: Interpreter.Options(jobControl: JobControl()))
        let result = await run(
            "sh -c 'echo $$ $(ps -o pgid= -p $$)' | cat; sh -c 'echo $$ $(ps -o pgid= -p $$)'", interpreter: shell)
        let lines = result.stdoutText.split(separator: "\n").map { $0.split(separator: " ").compactMap { Int32($0) } }
        try #require(lines.count == 2 && lines.allSatisfy { $0.count == 2 })
        // The piped `sh` is in its pipeline's group (led by whichever stage started first), not ours;
        // the lone one leads a group of its own.
        #expect(lines[0][1] != getpgrp())
        #expect(lines[1][0] == lines[1][1])
        #expect(lines[0][1] != lines[1][1])
    }
}
