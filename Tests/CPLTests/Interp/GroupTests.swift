import Testing
@testable import CPL

@Suite("Groups and subshells")
struct GroupTests {
    @Test func subshellChangesDoNotLeakOut() async {
        let result = await run("x=1; (x=2; cd /usr; echo in $x $PWD); echo out $x $PWD; (exit 3); echo $?", in: "/tmp")
        #expect(result.stdoutText == "in 2 /usr\nout 1 /tmp\n3\n")
    }

    @Test func braceGroupRunsInTheCurrentContext() async {
        let result = await run("x=1; { x=2; cd /usr; }; echo $x $PWD; { exit 4; }; echo not-reached", in: "/tmp")
        #expect(result.stdoutText == "2 /usr\n")
        #expect(result.status == 4)
        #expect(result.ending == .exit)
    }

    @Test func exitInASubshellEndsOnlyTheSubshell() async {
        let result = await run("(exit 5; echo no); echo after $?; { exit 6; } | cat; echo $?")
        #expect(result.stdoutText == "after 5\n0\n")
    }

    @Test func pipelineStagesAreSubshells() async {
        let result = await run("x=1; { x=2; } | cat; x=3 | cat; echo $x; echo a | { read_line=$(cat); echo got $read_line; }")
        #expect(result.stdoutText == "1\ngot a\n")
    }

    @Test func substitutionRunsInASubshell() async {
        let result = await run("x=1; y=$(x=2; echo $x; cd /; exit 3); echo $? $x $y $PWD", in: "/tmp")
        #expect(result.stdoutText == "3 1 2 /tmp\n")
    }
}
