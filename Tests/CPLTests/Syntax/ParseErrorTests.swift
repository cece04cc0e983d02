import Testing
@testable import CPL

@Suite("Syntax errors and incomplete input")
struct ParseErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        var source: String
        var message: String
        var line: Int
        var column: Int
        var description: String { source.debugDescription }
    }

    static let hardErrors: [Case] = [
        Case(source: "| a", message: "syntax error: unexpected `|`", line: 1, column: 1),
        Case(source: "echo a | ) b", message: "syntax error: unexpected `)`", line: 1, column: 10),
        Case(source: "a && && b", message: "syntax error: unexpected `&&`", line: 1, column: 6),
        Case(source: "a ;; b", message: "syntax error: unexpected `;;`", line: 1, column: 3),
        Case(source: "( )", message: "syntax error: unexpected `)`", line: 1, column: 3),
        Case(source: "{ }", message: "syntax error: unexpected `}`", line: 1, column: 3),
        Case(source: "{ ; }", message: "syntax error: unexpected `;`", line: 1, column: 3),
        Case(source: "a >", message: "expected a word after `>`", line: 1, column: 3),
        Case(source: "a >&", message: "expected a word after `>&`", line: 1, column: 3),
        Case(source: "a 2> ;", message: "expected a word after `>`", line: 1, column: 4),
        Case(source: "a >\nb", message: "expected a word after `>`", line: 1, column: 3),
        Case(source: "&& a", message: "syntax error: unexpected `&&`", line: 1, column: 1),
        Case(source: "x\n|| a", message: "syntax error: unexpected `||`", line: 2, column: 1),
        Case(source: "; a", message: "syntax error: unexpected `;`", line: 1, column: 1),
        Case(source: "a & ; b", message: "syntax error: unexpected `;`", line: 1, column: 5),
        Case(source: "a ; ; b", message: "syntax error: unexpected `;`", line: 1, column: 5),
        Case(source: "a )", message: "syntax error: unexpected `)`", line: 1, column: 3),
        Case(source: "}", message: "syntax error: unexpected `}`", line: 1, column: 1),
        Case(source: "(a) b", message: "syntax error: unexpected word `b`", line: 1, column: 5),
        Case(source: "{ a; } b", message: "syntax error: unexpected word `b`", line: 1, column: 8),
        Case(source: "echo a (b)", message: "syntax error: unexpected `(`", line: 1, column: 8),
        Case(source: "a | ! b", message: "syntax error: unexpected `!`", line: 1, column: 5),
        Case(source: "! ! a", message: "syntax error: unexpected `!`", line: 1, column: 3),
        Case(source: "!\na", message: "`!` must be followed by a command", line: 1, column: 1),
        Case(source: "a | ;", message: "syntax error: unexpected `;`", line: 1, column: 5),
        Case(source: "a && &", message: "syntax error: unexpected `&`", line: 1, column: 6),
        Case(source: "a &! &! b", message: "syntax error: unexpected `&!`", line: 1, column: 6),
        Case(source: "(a))", message: "syntax error: unexpected `)`", line: 1, column: 4),
        Case(source: "echo ${X:}", message: "bad substitution: unexpected `}` in `${…}`", line: 1, column: 10),
    ]

    @Test(arguments: hardErrors)
    func hardError(_ example: Case) {
        let error = syntaxError(example.source)
        #expect(error?.message == example.message)
        #expect(error?.line == example.line)
        #expect(error?.column == example.column)
        #expect(error?.isIncomplete == false)
        #expect(error?.fileName == "t.cpl")
    }

    static let incompleteInputs: [Case] = [
        Case(source: "echo 'abc", message: "unterminated single quote", line: 1, column: 6),
        Case(source: "echo \"abc\n", message: "unterminated double quote", line: 1, column: 6),
        Case(source: "echo a |", message: "`|` must be followed by a command", line: 1, column: 8),
        Case(source: "echo a |\n\n", message: "`|` must be followed by a command", line: 1, column: 8),
        Case(source: "a |&", message: "`|&` must be followed by a command", line: 1, column: 3),
        Case(source: "a &&\n", message: "`&&` must be followed by a command", line: 1, column: 3),
        Case(source: "a ||", message: "`||` must be followed by a command", line: 1, column: 3),
        Case(source: "!", message: "`!` must be followed by a command", line: 1, column: 1),
        Case(source: "echo $(ls", message: "unterminated command substitution `$(`", line: 1, column: 6),
        Case(source: "echo ${X:-a", message: "unterminated parameter expansion `${`", line: 1, column: 6),
        Case(source: "echo ${", message: "unterminated parameter expansion `${`", line: 1, column: 6),
        Case(source: "echo `ls", message: "unterminated backquote", line: 1, column: 6),
        Case(source: "(a\nb", message: "unterminated subshell: expected `)`", line: 1, column: 1),
        Case(source: "{ a; b\n", message: "unterminated brace group: expected `}`", line: 1, column: 1),
        Case(source: "{ a }", message: "unterminated brace group: expected `}`", line: 1, column: 1),
        Case(source: "cat <<EOF\n", message: "here-document delimited by end of file (wanted `EOF`)", line: 1, column: 5),
        Case(source: "echo a\\", message: "unexpected end of input after `\\`", line: 1, column: 7),
        Case(source: "echo a\\\n", message: "unexpected end of input after a line continuation", line: 1, column: 7),
        Case(source: "echo a \\\n", message: "unexpected end of input after a line continuation", line: 1, column: 8),
        Case(source: "echo \"$(echo 'x", message: "unterminated single quote", line: 1, column: 14),
        Case(source: "x=$(a\n(b\n", message: "unterminated subshell: expected `)`", line: 2, column: 1),
    ]

    @Test(arguments: incompleteInputs)
    func incomplete(_ example: Case) {
        let error = syntaxError(example.source)
        #expect(error?.message == example.message)
        #expect(error?.line == example.line)
        #expect(error?.column == example.column)
        #expect(error?.isIncomplete == true)
    }

    @Test func closingQuoteOnALaterLineCompletesTheInput() {
        #expect(compactDump("echo 'a\nb'") == #"lit"echo" sq"a\nb""#)
        #expect(compactDump("echo a |\ncat") == #"lit"echo" lit"a" | lit"cat""#)
    }

    @Test func errorsInsideBackquotesAreNeverIncomplete() {
        let error = syntaxError("echo `echo 'a`")
        #expect(error?.message == "unterminated single quote")
        #expect(error?.isIncomplete == false)
        #expect(error?.column == 12)
    }

    @Test func errorOnTheLastLineOfAMultiLineProgram() {
        let source = "echo one\n# comment\nA=1 cmd | grep x\n{ b; c; }\nfoo && bar ) baz\n"
        let error = syntaxError(source)
        #expect(error?.message == "syntax error: unexpected `)`")
        #expect(error?.line == 5)
        #expect(error?.column == 12)
        #expect(error?.location.offset == source.utf8.count - 6)
        #expect(error?.sourceLine == "foo && bar ) baz")
        #expect(error?.isIncomplete == false)
    }

    @Test func wholeInputIsParsedBeforeAnythingRuns() {
        // A good first line does not help: the error is still reported.
        #expect(syntaxError("echo fine\necho broken )")?.line == 2)
    }

    @Test func columnsCountUnicodeScalars() {
        let error = syntaxError("echo héllo 日本 )")
        #expect(error?.column == 15)
        #expect(error?.location.offset == 19)
    }

    @Test func errorInsideCommandSubstitutionPointsIntoIt() {
        let error = syntaxError("echo $(a | ) )")
        #expect(error?.message == "syntax error: unexpected `)`")
        #expect(error?.column == 12)
    }
}

@Suite("Syntax error notes")
struct SyntaxErrorNoteTests {
    @Test func aParenthesisAfterArgumentsIsNoFunctionDefinition() {
        let error = syntaxError("echo f () { a; }")
        #expect(error?.message == "syntax error: unexpected `(`")
        #expect(error?.column == 8)
        #expect(error?.note == "`(` starts a subshell only where a command starts; a function is defined as `name() { …; }`")
    }

    @Test func emptyGroupsExplainThemselves() {
        #expect(syntaxError("( )")?.note == "a subshell needs at least one command")
        #expect(syntaxError("{\n}")?.note == "a brace group needs at least one command")
        #expect(syntaxError("{\n}")?.line == 2)
    }

    @Test func unterminatedBraceGroupExplainsTheClosingRule() {
        let error = syntaxError("{ echo a }")
        #expect(error?.note == "`}` closes a group only as a separate word after `;`, `&` or a newline")
        #expect(error?.label == "opened here")
    }
}
