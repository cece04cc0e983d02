import Testing
@testable import CPL

@Suite("set -e, -u, -x")
struct OptionTests {
    @Test func errexitFollowsShRules() async {
        let chain = await run("set -e; false && true; echo after1; false || true; echo after2; true && false; echo not-reached")
        #expect(chain.stdoutText == "after1\nafter2\n")
        #expect(chain.status == 1)
        #expect(chain.ending == .errexit)
        let negated = await run("set -e; ! true; echo a; { false; echo b; } || true; echo c")
        #expect(negated.stdoutText == "a\nb\nc\n")
        let substitution = await run("set -e; x=$(false); echo not-reached")
        #expect(substitution.status == 1)
        #expect(substitution.stdoutText == "")
        let pipeline = await run("set -e; false | true; echo ok; true | false; echo not-reached")
        #expect(pipeline.stdoutText == "ok\n")
        let subshell = await run("set -e; (false; echo not-reached); echo not-reached-either")
        #expect(subshell.stdoutText == "")
        #expect(subshell.status == 1)
        let background = await run("set -e; false & wait; echo survives")
        #expect(background.stdoutText == "survives\n")
    }

    @Test func nounset() async {
        let result = await run("set -u; echo ${X:-default} ${#@}; echo $X; echo not-reached")
        #expect(result.stdoutText == "default 0\n")
        #expect(result.status == 2)
        #expect(result.stderrText == "cpl: t.cpl:1:40: X: parameter not set\n")
        let inSubshell = await run("set -u; (echo $Y); echo after $?")
        #expect(inSubshell.stdoutText == "after 2\n")
        let parameterError = await run("echo ${Z?is required}; echo not-reached")
        #expect(parameterError.status == 2)
        #expect(parameterError.stderrText == "cpl: t.cpl:1:6: Z: is required\n")
    }

    @Test func xtrace() async {
        let result = await run("set -x; A=1 echo 'a b' c; B=2; set +x; echo quiet")
        #expect(result.stdoutText == "a b c\nquiet\n")
        // dash's format: the words as they are, after `$PS4`.
        #expect(result.stderrText == "+ A=1 echo a b c\n+ B=2\n+ set +x\n")
    }
}
