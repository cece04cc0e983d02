import Testing
@testable import CPL

/// `$LINENO` (POSIX): the line it is written on. dash 0.5.12 has none, so these are checked
/// against bash where the two readings agree (a command on one line).
@Suite("$LINENO")
struct LineNumberTests {
    static func bash(_ script: String) -> String {
        String(decoding: runProgram("/bin/bash", ["--posix", "-c", ByteString(Array(script.utf8))]).stdout, as: UTF8.self)
    }

    @Test func theLineOfEachCommandAsBashGivesIt() async {
        let script = """
            echo $LINENO

            echo "$LINENO" ${LINENO+set} ${#LINENO}
            f() {
              echo $LINENO
            }
            f
            x=$( echo $LINENO ); echo $x
            LINENO=9; echo $LINENO
            """
        let expected = "1\n3 set 1\n5\n8\n9\n"
        #expect(await run(script).stdoutText == expected)
        #expect(Self.bash(script) == expected)
    }

    /// Where a command spans lines: the line the expansion is written on (bash gives the
    /// command's first line), which is what autoconf's configure.lineno rewrite writes in.
    @Test func theLineItIsWrittenOnInACommandOfSeveralLines() async {
        let script = """
            echo a \\
              $LINENO
            cat <<E
            $LINENO
            E
            as_fn_error() { echo "$1 at $2"; }
            as_fn_error "cannot
            compile" "$LINENO"
            """
        #expect(await run(script).stdoutText == "a 2\n4\ncannot\ncompile at 8\n")
    }

    /// Text run later counts its own lines: an `eval`'s, a trap's.
    @Test func evalAndTrapTextCountFromOne() async {
        let result = await run("\n\neval 'echo $LINENO\necho $LINENO'\ntrap 'echo $LINENO' EXIT")
        #expect(result.stdoutText == "1\n2\n1\n")
    }

    /// Assigning it changes nothing; unset, it is an ordinary variable from then on (as in bash).
    @Test func unsetMakesItAnOrdinaryVariable() async {
        let script = "LINENO=9; echo $LINENO\nunset LINENO; echo ${LINENO-unset}\nLINENO=7; echo $LINENO\n"
        #expect(await run(script).stdoutText == "1\nunset\n7\n")
        #expect(Self.bash(script) == "1\nunset\n7\n")
    }
}
