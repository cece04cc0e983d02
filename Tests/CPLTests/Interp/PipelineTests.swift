import Glibc
import Testing
@testable import CPL

@Suite("Pipelines and exit statuses")
struct PipelineTests {
    @Test func stagesAreConnectedByPipes() async {
        let result = await run("printf 'b\\na\\nc\\n' | sort | head -n 2")
        #expect(result.stdoutText == "a\nb\n")
        #expect(result.status == 0)
    }

    @Test func aStageKilledBySigpipeIsNormalAndPrompt() async {
        let result = await run("yes | head -n 3")
        #expect(result.stdoutText == "y\ny\ny\n")
        #expect(result.status == 0)
        #expect(result.stderrText == "")
        // pipefail reports the writer's SIGPIPE (128 + 13).
        let strict = await run("set -o pipefail; yes | head -n 1 >/dev/null; echo $?")
        #expect(strict.stdoutText == "141\n")
    }

    @Test func largeStreamsFlowChildToChild() async {
        let result = await run("head -c 3000000 /dev/zero | cat | wc -c")
        #expect(result.stdoutText.trimmingSpaces == "3000000")
    }

    @Test func negation() async {
        #expect(await run("! true").status == 1)
        #expect(await run("! false").status == 0)
        #expect(await run("! false | true; echo $?").stdoutText == "1\n")
    }

    @Test func statusIsTheLastStagesUnlessPipefail() async {
        #expect(await run("false | true").status == 0)
        #expect(await run("true | false").status == 1)
        #expect(await run("set -o pipefail; false | true").status == 1)
        #expect(await run("set -o pipefail; (exit 3) | (exit 4) | true").status == 4)
        #expect(await run("set -o pipefail; set +o pipefail; false | true").status == 0)
    }

    @Test func andOrListsHaveEqualPrecedence() async {
        #expect(await run("false && echo no || echo yes").stdoutText == "yes\n")
        #expect(await run("true || echo no && echo yes").stdoutText == "yes\n")
        #expect(await run("false || false && echo no; echo $?").stdoutText == "1\n")
    }

    @Test func killedBySignalIs128PlusN() async {
        #expect(await run("sh -c 'kill -TERM $$'").status == 143)
        #expect(await run("sh -c 'kill -KILL $$'; echo $?").stdoutText == "137\n")
    }

    @Test func commandNotFoundIs127WithMessage() async {
        let result = await run("true\nno-such-program-cpl arg; echo $?")
        #expect(result.stdoutText == "127\n")
        #expect(result.stderrText == "cpl: t.cpl:2:1: no-such-program-cpl: command not found\n")
        let silenced = await run("no-such-program-cpl 2>/dev/null")
        #expect(silenced.status == 127)
        #expect(silenced.stderrText == "")
    }

    @Test func notExecutableIs126WithMessage() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/plain", "echo hi\n", mode: 0o644)
        let result = await run("./plain; echo $?; /tmp; echo $?", in: directory)
        #expect(result.stdoutText == "126\n126\n")
        #expect(result.stderrText == "cpl: t.cpl:1:1: ./plain: Permission denied\ncpl: t.cpl:1:19: /tmp: Is a directory\n")
    }

    @Test func executableWithoutShebangRunsAsACplScript() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/tool", "echo \"$0 got $# args: $*\" \"$GREETING\"\necho to-err >&2\nexit 7\n", mode: 0o755)
        let result = await run("export GREETING=hello; ./tool a 'b c' 2>&1 | cat; echo $?; LOCAL=1 ./tool >/dev/null 2>&1; echo $?", in: directory)
        #expect(result.stdoutText == "./tool got 2 args: a b c hello\nto-err\n0\n7\n")
        createFile("\(directory)/broken", "echo (\n", mode: 0o755)
        let broken = await run("./broken; echo $?", in: directory)
        #expect(broken.stdoutText == "2\n")
        #expect(broken.stderrText.contains("./broken:1:"))
    }

    // `yes` ends only once the reader is gone, so the in-process `echo` after it writes to a closed
    // pipe; the group's status is that echo's. The limit turns a reader kept open (a hang) into a failure.
    @Test(.timeLimit(.minutes(5))) func inProcessStageWritingToAClosedPipeEndsWith141() async {
        let result = await run("set -o pipefail; { yes; echo late; } | true; echo $?")
        #expect(result.stdoutText == "141\n")
    }

    @Test func builtinsAndGroupsAsStages() async {
        let result = await run("echo one | { cat; echo two; }; { echo a; echo b; } | sort -r | (cat; echo c)")
        #expect(result.stdoutText == "one\ntwo\nb\na\nc\n")
        let both = await run("{ echo out; echo err >&2; } 2>&1 | sed 's/^/> /'")
        #expect(both.stdoutText == "> out\n> err\n")
        let piped = await run("{ echo out; echo err >&2; } |& sed 's/^/> /'")
        #expect(piped.stdoutText == "> out\n> err\n")
    }
}

