import Glibc
import Testing
@testable import CPL

@Suite("The cpl command")
struct CLITests {
    @Test func commandStringAndArguments() async {
        let result = await runCPL(["-c", "echo \"$0|$1|$#\"; exit 3", "name", "one", "two"])
        #expect(result.stdout == "name|one|2\n")
        #expect(result.status == 3)
    }

    @Test func scriptFileWithArgumentsAndShebang() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/script.cpl", "#!/usr/bin/env cpl\necho \"$0 $*\"\nls *.cpl | wc -l\n", mode: 0o755)
        let byFile = await runCPL(["script.cpl", "a", "b"], in: directory)
        #expect(byFile.stdout == "script.cpl a b\n1\n")
        let binDirectory = try BuiltCPL.required().split(separator: "/").dropLast().joined(separator: "/")
        let direct = await runCPL(
            ["-c", "./script.cpl x"], in: directory,
            environment: ["PATH": "/\(binDirectory):/usr/bin:/bin", "HOME": directory])
        #expect(direct.stdout == "./script.cpl x\n1\n")
        let missing = await runCPL(["nope.cpl"], in: directory)
        #expect(missing.status == 127)
        #expect(missing.stderr == "cpl: cannot open nope.cpl: No such file or directory\n")
    }

    @Test func scriptFromStandardInput() async {
        let result = await runCPL([], stdin: "echo from stdin\nexit 4\n")
        #expect(result.stdout == "from stdin\n")
        #expect(result.status == 4)
    }

    @Test func aSyntaxErrorOnTheLastLineRunsNothing() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/bad.cpl", "touch first-line-ran\necho ok\necho 'unterminated\n")
        let result = await runCPL(["bad.cpl"], in: directory)
        #expect(result.status == 2)
        #expect(access("\(directory)/first-line-ran", F_OK) != 0)
        #expect(result.stderr.hasPrefix("cpl: bad.cpl:3:6: unterminated single quote"))
        #expect(result.stderr.contains("3 | echo 'unterminated\n  |      ^"))
        #expect(result.stdout == "")
    }

    @Test func syntaxCheckOnly() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let good = await runCPL(["-n", "-c", "touch ran"], in: directory)
        #expect(good.status == 0)
        #expect(access("\(directory)/ran", F_OK) != 0)
        let bad = await runCPL(["-n", "-c", "echo |"], in: directory)
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("cpl: -c:1:"))
    }

    @Test func planIsADryRun() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let result = await runCPL(["--plan", "-c", "X=out; echo $(date) > $X.txt\ncat *.txt | wc -l &"], in: directory)
        #expect(result.status == 0)
        #expect(result.stdout == """
            # $(…) is shown as written: --plan runs nothing.
            job 1 (foreground) at 1:1: X=out
              pipeline
                stage 1: set variables
                  set X=out
            job 2 (foreground) at 1:8: echo $(date) > $X.txt
              pipeline
                stage 1: builtin echo '$(date)'
                  1> out.txt
            job 3 (background) at 2:1: cat *.txt | wc -l
              own process group; 0< /dev/null unless redirected
              pipeline
                stage 1: program cat '*.txt'
                  1> pipe 1
                stage 2: program wc -l
                  0< pipe 1

            """)
        #expect(access("\(directory)/out.txt", F_OK) != 0)
    }

    @Test func traceAndErrexitFlags() async {
        let traced = await runCPL(["-x", "-c", "echo hi | cat; X=1"])
        #expect(traced.stdout == "hi\n")
        #expect(traced.stderr == "+ echo hi\n+ cat\n+ X=1\n" || traced.stderr == "+ cat\n+ echo hi\n+ X=1\n")
        let errexit = await runCPL(["-e", "-c", "false; echo not-reached"])
        #expect(errexit.status == 1)
        #expect(errexit.stdout == "")
    }

    @Test func helpVersionAndInteractive() async {
        let help = await runCPL(["--help"])
        #expect(help.status == 0 && help.stdout.hasPrefix("usage: cpl"))
        let version = await runCPL(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("cpl "))
        // `-i` without a terminal: the REPL reads lines from the pipe (no job control), prompts
        // on stdout, and `exit` ends it. The pty tests in REPL/ cover the terminal.
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let interactive = await runCPL(
            ["-i"], stdin: "echo hi\nfalse\nexit 3\n", in: directory,
            environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "CPL_HISTORY": "\(directory)/history"])
        #expect(interactive.status == 3)
        #expect(interactive.stdout.contains("hi\n"))
        #expect(interactive.stdout.contains(" [1]"))
        #expect(readFileText("\(directory)/history") == "echo hi\nfalse\nexit 3\n")
        let unknown = await runCPL(["--bogus"])
        #expect(unknown.status == 2)
    }

    @Test func inheritedDescriptorsReachPrograms() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/data", "through fd 3\n")
        let result = await runCPL(["-c", "cat <&3"], in: directory, extraInput: (3, "\(directory)/data"))
        #expect(result.stdout == "through fd 3\n")
    }

    @Test func backgroundJobsAreWaitedForButDetachedOnesAreNot() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        // The job leaves `ended` as it ends. Its output goes elsewhere: runCPL reads cpl's pipes to
        // their end, which a job holding them would delay whether or not cpl waited for it.
        let waited = await runCPL(["-c", "{ sleep 0.5; : > ended; } > /dev/null 2>&1 & echo started"], in: directory)
        #expect(waited.stdout == "started\n")
        #expect(readFileText("\(directory)/ended") != nil, "cpl exited before its background job ended")
        // Jobs that are not waited for still run once cpl has exited.
        let detached = await runCPL(["-c", "sleep 1000 &! echo $!"])
        let pid = try #require(Int32(detached.stdout.trimmingSpaces))
        defer { kill(pid, SIGKILL) }
        #expect(processIsAlive(pid), "the &! job did not survive cpl's exit")
        #expect(procStatField(pid, 6) == String(pid))
        let exited = await runCPL(["-c", "sleep 1000 >/dev/null 2>&1 & echo $!; exit 0"])
        let unwaited = try #require(Int32(exited.stdout.trimmingSpaces))
        defer { kill(unwaited, SIGKILL) }
        #expect(processIsAlive(unwaited), "`exit` waited for the background job")
    }

    @Test func noLeakedDescriptorsOrZombiesAfterManyCommands() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        var body = ""
        for index in 0..<1000 {
            switch index % 4 {
            case 0: body += "true\n"
            case 1: body += "echo \(index) > /dev/null\n"
            case 2: body += "cat < /dev/null\n"
            default: body += "Y=$(echo \(index))\n"
            }
        }
        for _ in 0..<100 { body += "echo a | cat | wc -l > /dev/null; yes | head -n 1 > /dev/null\n" }
        createFile("\(directory)/many.cpl", hygieneScript(around: body))
        let result = await runCPL(["many.cpl"], in: directory, timeout: 120)
        #expect(result.status == 1)  // grep -c found no zombie (and exits 1)
        #expect(result.stdout == "0\n")
        let before = descriptorKinds(listedIn: "\(directory)/before")
        #expect(!before.isEmpty)
        #expect(descriptorKinds(listedIn: "\(directory)/after") == before)
    }
}
