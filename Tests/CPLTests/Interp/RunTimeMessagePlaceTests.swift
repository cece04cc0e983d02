import Testing
@testable import CPL

/// Run-time errors name file, line and column, as parse errors do.
@Suite("Where run-time errors say they are")
struct RunTimeMessagePlaceTests {
    @Test func anErrorInsideAFunctionNamesTheWordInTheFunctionsBody() async {
        let result = await run("f() {\n  echo \"${u?unset here}\"\n}\n  f\n")
        #expect(result.status == 2)
        #expect(result.stderrText == "cpl: t.cpl:2:9: u: unset here\n")
    }

    @Test func eachCommandOfALineIsNamedByItsColumn() async {
        let result = await run("true; cd /no/such; no-such-program-cpl; echo ${#}x")
        #expect(result.stdoutText == "0x\n")
        #expect(result.stderrText == """
            cpl: t.cpl:1:7: cd: /no/such: No such file or directory
            cpl: t.cpl:1:20: no-such-program-cpl: command not found

            """)
    }

    @Test func anArithmeticErrorInALoopNamesTheExpansion() async {
        let result = await run("for i in 1 0; do\n    echo $((6 / i))\ndone\n")
        #expect(result.stdoutText == "6\n")
        #expect(result.status == 2)
        #expect(result.stderrText.hasPrefix("cpl: t.cpl:2:10: arithmetic expression: division by zero"))
    }
}
