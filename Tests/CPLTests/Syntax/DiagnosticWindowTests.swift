import ChildProcess
import Testing
@testable import CPL

/// The quoted source line of a diagnostic is safe for a terminal: cut to a window around the
/// caret when long, with control characters and raw bytes escaped.
@Suite("Diagnostic window and escapes")
struct DiagnosticWindowTests {
    /// The quoted line and the caret line of a rendered diagnostic.
    func quotedLines(_ error: ParseError?) -> [String] {
        guard let lines = error?.rendered.split(separator: "\n", omittingEmptySubsequences: false), lines.count >= 4
        else { return [] }
        return [String(lines[2]), String(lines[3])]
    }

    @Test func longLineIsCutAroundTheCaret() {
        // 10,001 columns, the `)` at column 5,001.
        let error = syntaxError(String(repeating: "a ", count: 2500) + ")" + String(repeating: " b", count: 2500))
        #expect(error?.column == 5001)
        let shown = "…" + String(repeating: "a ", count: 30) + ")" + String(repeating: " b", count: 29) + " …"
        #expect(quotedLines(error) == ["1 | " + shown, "  | " + String(repeating: " ", count: 61) + "^"])
        #expect((error?.rendered.count ?? .max) < 400)
        #expect(error?.sourceLine.count == 10001)
    }

    @Test func caretNearTheStartCutsOnlyTheEnd() {
        let error = syntaxError("a ) " + String(repeating: "b", count: 10000))
        #expect(quotedLines(error) == ["1 | a ) " + String(repeating: "b", count: 116) + "…", "  |   ^"])
    }

    @Test func caretNearTheEndCutsOnlyTheStart() {
        let error = syntaxError(String(repeating: "b", count: 10000) + " )")
        #expect(error?.column == 10002)
        #expect(quotedLines(error) == ["1 | …" + String(repeating: "b", count: 118) + " )", "  | " + String(repeating: " ", count: 120) + "^"])
    }

    @Test func caretPastTheEndOfALongLine() {
        let error = syntaxError("if " + String(repeating: "x", count: 300))
        #expect(error?.column == 304)
        #expect(
            quotedLines(error) == [
                "1 | …" + String(repeating: "x", count: 119), "  | " + String(repeating: " ", count: 120) + "^ the input ends here",
            ])
    }

    @Test func caretUnderAnOpeningNearTheEndOfALongLine() {
        let error = syntaxError("echo " + String(repeating: "x", count: 300) + " 'open")
        #expect(error?.message == "unterminated single quote")
        // The quote is the sixth cell from the end of the 120-cell window.
        #expect(
            quotedLines(error) == [
                "1 | …" + String(repeating: "x", count: 114) + " 'open", "  | " + String(repeating: " ", count: 116) + "^ quote opened here",
            ])
    }

    @Test func shortLinesAreShownWhole() {
        let line = "echo " + String(repeating: "x", count: 110) + " )"
        let error = syntaxError(line)
        #expect(quotedLines(error) == ["1 | " + line, "  | " + String(repeating: " ", count: 116) + "^"])
    }

    @Test func controlCharactersAndRawBytesAreEscaped() {
        let source = String(losslessBytes: Array("echo \u{1b}[31m ".utf8) + [0xFF] + Array(" )".utf8))
        let error = syntaxError(source)
        #expect(error?.column == 14)
        #expect(
            error?.rendered == """
                cpl: t.cpl:1:14: syntax error: unexpected `)`
                  |
                1 | echo \\x1b[31m \\xff )
                  | \(String(repeating: " ", count: 19))^

                """)
    }

    @Test func bidirectionalOverridesAndC1ControlsAreEscaped() {
        let error = syntaxError("echo \u{202E}a\u{9B}b )")
        #expect(quotedLines(error) == ["1 | echo \\u{202e}a\\u{9b}b )", "  | " + String(repeating: " ", count: 22) + "^"])
    }

    @Test func messagesQuotingTheSourceAreEscapedToo() {
        let error = syntaxError("for \u{1b}]0x\u{7} in a; do :; done")
        let rendered = error?.rendered ?? ""
        #expect(rendered.contains("word `\\x1b]0x\\x07`"))
        #expect(!rendered.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test func escapesInsideTheWindowKeepTheCaretAligned() {
        let error = syntaxError(String(repeating: "\u{1}", count: 200) + " )")
        let lines = quotedLines(error)
        // Whole escapes only: 29 of four cells fit after the `…` with the space and the `)`.
        #expect(lines.first == "1 | …" + String(repeating: "\\x01", count: 29) + " )")
        #expect(lines.last == "  | " + String(repeating: " ", count: 1 + 29 * 4 + 1) + "^")
    }
}
