import Testing
@testable import CPL

@Suite("Diagnostic rendering")
struct DiagnosticRenderingTests {
    @Test func unexpectedToken() {
        let error = syntaxError("echo one\necho two\necho a | ) b\n")
        #expect(
            error?.rendered == """
                cpl: t.cpl:3:10: syntax error: unexpected `)`
                  |
                3 | echo a | ) b
                  |          ^

                """)
    }

    @Test func unterminatedQuoteHasLabelAndNote() {
        let error = syntaxError("echo 'abc\ndef\n")
        #expect(
            error?.rendered == """
                cpl: t.cpl:1:6: unterminated single quote
                  |
                1 | echo 'abc
                  |      ^ quote opened here
                  = note: the input ended before the closing `'`

                """)
    }

    @Test func tabsAreExpandedSoTheCaretLinesUp() {
        let error = syntaxError("\techo\t)")
        #expect(error?.column == 7)
        #expect(
            error?.rendered == """
                cpl: t.cpl:1:7: syntax error: unexpected `)`
                  |
                1 |     echo    )
                  |             ^

                """)
    }

    @Test func wideLineNumbersWidenTheGutter() {
        let source = String(repeating: "a\n", count: 11) + "b ;;"
        let error = syntaxError(source)
        #expect(error?.line == 12)
        #expect(
            error?.rendered == """
                cpl: t.cpl:12:3: syntax error: unexpected `;;`
                   |
                12 | b ;;
                   |   ^
                   = note: `;;` ends an item of a `case … esac`, and none is open here

                """)
    }

    @Test func caretUnderMultibyteText() {
        let error = syntaxError("echo é )")
        #expect(error?.rendered.contains("1 | echo é )\n  |        ^\n") == true)
    }

    @Test func customProgramNameAndSummary() {
        let error = syntaxError("a &&& b")
        #expect(error?.summary == "t.cpl:1:5: syntax error: unexpected `&`")
        #expect(error?.render(program: "cpl-check").hasPrefix("cpl-check: t.cpl:1:5:") == true)
        #expect(error?.description == error?.rendered)
    }

    @Test func defaultFileName() {
        do {
            _ = try Parser.parse(")")
            Issue.record("expected an error")
        } catch {
            #expect(error.fileName == "<input>")
        }
    }
}
