import Testing
@testable import CPL

/// One diagnostic of the control-flow grammar (`if`, loops, `case`, functions, `$((…))`), all of it:
/// where the caret goes, what the message, label and note say, and whether a REPL would read on.
struct ControlFlowDiagnostic: Sendable, CustomStringConvertible {
    var source: String
    var message: String
    var line: Int
    var column: Int
    var note: String?
    var label: String? = nil
    var isIncomplete = false
    var description: String { source.debugDescription }

    func check(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let error = syntaxError(source, sourceLocation: sourceLocation)
        #expect(error?.message == message, sourceLocation: sourceLocation)
        #expect(error?.line == line, sourceLocation: sourceLocation)
        #expect(error?.column == column, sourceLocation: sourceLocation)
        #expect(error?.note == note, sourceLocation: sourceLocation)
        #expect(error?.label == label, sourceLocation: sourceLocation)
        #expect(error?.isIncomplete == isIncomplete, sourceLocation: sourceLocation)
    }
}

@Suite("Control-flow syntax errors")
struct ControlFlowParseErrorTests {
    /// The input ends inside a compound command: the caret is at the end of the input (of the
    /// last line when the input ends with a newline) and the error is incomplete.
    static let neverClosed: [ControlFlowDiagnostic] = [
        ControlFlowDiagnostic(
            source: "echo a\nb\nif true; then\n  echo x\n", message: "`if` at 3:1 is never closed by `fi`", line: 4, column: 9,
            note: "expected `elif` or `else` or `fi` for the `if` at line 3", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "if", message: "`if` at 1:1 is never closed by `fi`", line: 1, column: 3,
            note: "expected `then` for the `if` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "if a; then b; elif", message: "`if` at 1:1 is never closed by `fi`", line: 1, column: 19,
            note: "expected `then` for the `if` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "if a; then b; else c\n\n", message: "`if` at 1:1 is never closed by `fi`", line: 2, column: 1,
            note: "expected `fi` for the `if` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "while true; do echo x", message: "`while` at 1:1 is never closed by `done`", line: 1, column: 22,
            note: "expected `done` for the `while` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "echo\n  until false\n", message: "`until` at 2:3 is never closed by `done`", line: 2, column: 14,
            note: "expected `do` for the `until` at line 2", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "for i in a b; do echo", message: "`for` at 1:1 is never closed by `done`", line: 1, column: 22,
            note: "expected `done` for the `for` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "for i in a b", message: "`for` at 1:1 is never closed by `done`", line: 1, column: 13,
            note: "expected `do` for the `for` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "for", message: "`for` at 1:1 is never closed by `done`", line: 1, column: 4,
            note: "expected a name for the `for` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "case", message: "`case` at 1:1 is never closed by `esac`", line: 1, column: 5,
            note: "expected a word for the `case` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "case x\n", message: "`case` at 1:1 is never closed by `esac`", line: 1, column: 7,
            note: "expected `in` for the `case` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "case x in", message: "`case` at 1:1 is never closed by `esac`", line: 1, column: 10,
            note: "expected a pattern for the `case` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "case x in (a", message: "`case` at 1:1 is never closed by `esac`", line: 1, column: 13,
            note: "expected `)` for the `case` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "case x in a) echo", message: "`case` at 1:1 is never closed by `esac`", line: 1, column: 18,
            note: "expected `;;` or `esac` for the `case` at line 1", label: "the input ends here", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "f() {\n  while :; do\n    if x; then y; fi\n", message: "`while` at 2:3 is never closed by `done`",
            line: 3, column: 21, note: "expected `done` for the `while` at line 2", label: "the input ends here",
            isIncomplete: true),
    ]

    @Test(arguments: neverClosed)
    func unclosedCompoundCommand(_ diagnostic: ControlFlowDiagnostic) {
        diagnostic.check()
    }

    @Test func theCaretLineIsTheLastLineOfTheInput() {
        let error = syntaxError("echo a\nb\nif true; then\n  echo x\n")
        #expect(error?.sourceLine == "  echo x")
        #expect(error?.location.offset == 31)
        #expect(error?.rendered == """
            cpl: t.cpl:4:9: `if` at 3:1 is never closed by `fi`
              |
            4 |   echo x
              |         ^ the input ends here
              = note: expected `elif` or `else` or `fi` for the `if` at line 3

            """)
    }

    /// Reserved words that close or continue a construct, where none is open.
    static let withoutOpener: [ControlFlowDiagnostic] = [
        ControlFlowDiagnostic(
            source: "fi", message: "syntax error: unexpected `fi`", line: 1, column: 1,
            note: "`fi` belongs to an `if … fi` and no `if` is open here"),
        ControlFlowDiagnostic(
            source: "echo a\n  then b", message: "syntax error: unexpected `then`", line: 2, column: 3,
            note: "`then` belongs to an `if … fi` and no `if` is open here"),
        ControlFlowDiagnostic(
            source: "a; elif b", message: "syntax error: unexpected `elif`", line: 1, column: 4,
            note: "`elif` belongs to an `if … fi` and no `if` is open here"),
        ControlFlowDiagnostic(
            source: "a && else", message: "syntax error: unexpected `else`", line: 1, column: 6,
            note: "`else` belongs to an `if … fi` and no `if` is open here"),
        ControlFlowDiagnostic(
            source: "done", message: "syntax error: unexpected `done`", line: 1, column: 1,
            note: "`done` belongs to a `while`, `until` or `for` loop and no loop is open here"),
        ControlFlowDiagnostic(
            source: "a | do b", message: "syntax error: unexpected `do`", line: 1, column: 5,
            note: "`do` belongs to a `while`, `until` or `for` loop and no loop is open here"),
        ControlFlowDiagnostic(
            source: "esac", message: "syntax error: unexpected `esac`", line: 1, column: 1,
            note: "`esac` belongs to a `case … esac` and none is open here"),
        ControlFlowDiagnostic(
            source: "in x", message: "syntax error: unexpected `in`", line: 1, column: 1,
            note: "`in` belongs to a `case … esac` and none is open here"),
        // The closer of another construct than the one that is open.
        ControlFlowDiagnostic(
            source: "if x; then y; done", message: "syntax error: unexpected `done`", line: 1, column: 15,
            note: "`done` belongs to a `while`, `until` or `for` loop and no loop is open here"),
        ControlFlowDiagnostic(
            source: "while x; do y; fi", message: "syntax error: unexpected `fi`", line: 1, column: 16,
            note: "`fi` belongs to an `if … fi` and no `if` is open here"),
    ]

    @Test(arguments: withoutOpener)
    func reservedWordWithoutOpener(_ diagnostic: ControlFlowDiagnostic) {
        diagnostic.check()
    }

    @Test func doubleSemicolonOutsideCase() {
        ControlFlowDiagnostic(
            source: "if x; then echo a;; fi", message: "syntax error: unexpected `;;`", line: 1, column: 18,
            note: "`;;` ends an item of a `case … esac`, and none is open here"
        ).check()
    }

    /// A closer of an outer construct while an inner one is open: the note names the inner one
    /// and what it expects, rather than deny that the outer one is open.
    static let innerConstructOpen: [ControlFlowDiagnostic] = [
        ControlFlowDiagnostic(
            source: "f() { if x; then y; }", message: "syntax error: unexpected `}`", line: 1, column: 21,
            note: "expected `elif` or `else` or `fi` for the `if` at 1:7 first"),
        ControlFlowDiagnostic(
            source: "case x in a) if x; then y;; esac", message: "syntax error: unexpected `;;`", line: 1, column: 26,
            note: "expected `elif` or `else` or `fi` for the `if` at 1:14 first"),
        ControlFlowDiagnostic(
            source: "while x; do\n  if y; then z\ndone", message: "syntax error: unexpected `done`", line: 3, column: 1,
            note: "expected `elif` or `else` or `fi` for the `if` at 2:3 first"),
        ControlFlowDiagnostic(
            source: "for i in a; do case $i in a) done", message: "syntax error: unexpected `done`", line: 1, column: 30,
            note: "expected `;;` or `esac` for the `case` at 1:16 first"),
        ControlFlowDiagnostic(
            source: "(if x; then y)", message: "syntax error: unexpected `)`", line: 1, column: 14,
            note: "expected `elif` or `else` or `fi` for the `if` at 1:2 first"),
        ControlFlowDiagnostic(
            source: "echo $(case x in a) echo; )", message: "syntax error: unexpected `)`", line: 1, column: 27,
            note: "expected `;;` or `esac` for the `case` at 1:8 first"),
        ControlFlowDiagnostic(
            source: "if x; then echo $(fi); fi", message: "syntax error: unexpected `fi`", line: 1, column: 19,
            note: "expected `)` for the `$(` at 1:17 first"),
        ControlFlowDiagnostic(
            source: "if x; then y; then z; fi", message: "syntax error: unexpected `then`", line: 1, column: 15,
            note: "expected `elif` or `else` or `fi` for the `if` at 1:1 first"),
        ControlFlowDiagnostic(
            source: "if x; fi", message: "syntax error: unexpected `fi`", line: 1, column: 7,
            note: "expected `then` for the `if` at 1:1 first"),
    ]

    @Test(arguments: innerConstructOpen)
    func closerOfAnOuterConstruct(_ diagnostic: ControlFlowDiagnostic) {
        diagnostic.check()
    }

    static let emptyLists: [ControlFlowDiagnostic] = [
        ControlFlowDiagnostic(
            source: "if then fi", message: "syntax error: unexpected `then`", line: 1, column: 4,
            note: "a command list is needed before `then`"),
        ControlFlowDiagnostic(
            source: "if true; then fi", message: "syntax error: unexpected `fi`", line: 1, column: 15,
            note: "a command list is needed before `fi`"),
        ControlFlowDiagnostic(
            source: "if a; then b; elif c; then\nelse d; fi", message: "syntax error: unexpected `else`", line: 2, column: 1,
            note: "a command list is needed before `else`"),
        ControlFlowDiagnostic(
            source: "if a; then b; else fi", message: "syntax error: unexpected `fi`", line: 1, column: 20,
            note: "a command list is needed before `fi`"),
        ControlFlowDiagnostic(
            source: "while do done", message: "syntax error: unexpected `do`", line: 1, column: 7,
            note: "a command list is needed before `do`"),
        ControlFlowDiagnostic(
            source: "until false; do\n\ndone", message: "syntax error: unexpected `done`", line: 3, column: 1,
            note: "a command list is needed before `done`"),
        ControlFlowDiagnostic(
            source: "for i in a; do done", message: "syntax error: unexpected `done`", line: 1, column: 16,
            note: "a command list is needed before `done`"),
    ]

    @Test(arguments: emptyLists)
    func emptyConditionOrBody(_ diagnostic: ControlFlowDiagnostic) {
        diagnostic.check()
    }

    static let forAndCase: [ControlFlowDiagnostic] = [
        ControlFlowDiagnostic(
            source: "for 1 in a; do echo; done", message: "`for` needs a variable name, not word `1`", line: 1, column: 5,
            note: "for example: for file in *.txt; do …; done"),
        ControlFlowDiagnostic(
            source: "for i in a b do echo; done", message: "syntax error: unexpected `done`", line: 1, column: 23,
            note: "expected `do` to start the body of the `for` loop"),
        ControlFlowDiagnostic(
            source: "for i in a | b; do :; done", message: "syntax error: unexpected `|`", line: 1, column: 12,
            note: "the words of `for … in` end at `;` or a newline, before `do`"),
        ControlFlowDiagnostic(
            source: "case x y) ;; esac", message: "syntax error: unexpected word `y`", line: 1, column: 8,
            note: "expected `in` after the word of `case`"),
        ControlFlowDiagnostic(
            source: "case ; in a) esac", message: "`case` needs a word to match, not `;`", line: 1, column: 6, note: nil),
        ControlFlowDiagnostic(
            source: "case x in ) echo;; esac", message: "syntax error: unexpected `)`", line: 1, column: 11,
            note: "a `case` item starts with a pattern, e.g. `*.txt)`"),
        ControlFlowDiagnostic(
            source: "case x in a|;; esac", message: "syntax error: unexpected `;;`", line: 1, column: 13,
            note: "a `case` item starts with a pattern, e.g. `*.txt)`"),
        ControlFlowDiagnostic(
            source: "case x in\n  a echo;;\nesac", message: "syntax error: unexpected word `echo`", line: 2, column: 5,
            note: "a `case` pattern ends with `)`; alternatives are separated by `|`"),
    ]

    @Test(arguments: forAndCase)
    func forAndCaseShapes(_ diagnostic: ControlFlowDiagnostic) {
        diagnostic.check()
    }

    static let functions: [ControlFlowDiagnostic] = [
        ControlFlowDiagnostic(
            source: "export() { :; }", message: "`export` cannot be a function name", line: 1, column: 1,
            note: "`export` is a special builtin"),
        ControlFlowDiagnostic(
            source: "echo\n  return () { :; }", message: "`return` cannot be a function name", line: 2, column: 3,
            note: "`return` is a special builtin"),
        ControlFlowDiagnostic(
            source: "a-b() { :; }", message: "`a-b` cannot be a function name", line: 1, column: 1,
            note: "a function name is letters, digits and `_`, not starting with a digit"),
        ControlFlowDiagnostic(
            source: "9f() { :; }", message: "`9f` cannot be a function name", line: 1, column: 1,
            note: "a function name is letters, digits and `_`, not starting with a digit"),
        ControlFlowDiagnostic(
            source: "f()", message: "the function `f` has no body", line: 1, column: 2,
            note: "a function is defined as `f() { …; }`", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "greet ()\n\n", message: "the function `greet` has no body", line: 1, column: 7,
            note: "a function is defined as `greet() { …; }`", isIncomplete: true),
        ControlFlowDiagnostic(
            source: "f() echo x", message: "syntax error: unexpected word `echo`", line: 1, column: 5,
            note: "a function body is a compound command: `{ …; }`, `( … )`, `if`, `while`, `for` or `case`"),
        ControlFlowDiagnostic(
            source: "f( x", message: "syntax error: unexpected word `x`", line: 1, column: 4,
            note: "a function is defined as `f() { …; }`"),
        ControlFlowDiagnostic(
            source: "f() fi", message: "syntax error: unexpected `fi`", line: 1, column: 5,
            note: "`fi` belongs to an `if … fi` and no `if` is open here"),
    ]

    @Test(arguments: functions)
    func functionDefinitions(_ diagnostic: ControlFlowDiagnostic) {
        diagnostic.check()
    }

    static let arithmetic: [ControlFlowDiagnostic] = [
        ControlFlowDiagnostic(
            source: "echo $((1 +))", message: "arithmetic syntax error: expecting primary", line: 1, column: 12, note: nil),
        ControlFlowDiagnostic(
            source: "while :; do\n  x=$((2 * * 3))\ndone", message: "arithmetic syntax error: expecting primary", line: 2,
            column: 12, note: nil),
        ControlFlowDiagnostic(
            source: "echo $((1 + 2) )", message: "arithmetic expansion `$((` is closed by a single `)`", line: 1, column: 14,
            note: "for a command substitution starting with a subshell, write `$( (…) )`", label: "expected `))`"),
        ControlFlowDiagnostic(
            source: "echo $((1 +", message: "unterminated arithmetic expansion `$((`", line: 1, column: 6,
            note: "the input ended before the closing `))`", label: "opened here", isIncomplete: true),
    ]

    @Test(arguments: arithmetic)
    func arithmeticSyntax(_ diagnostic: ControlFlowDiagnostic) {
        diagnostic.check()
    }

    /// An expression with an expansion in it can only be checked once the expansion is known.
    @Test func arithmeticWithAnExpansionIsCheckedWhenItRuns() {
        #expect(compactDump("echo $((1 + $x))") == #"lit"echo" arith[lit"1 + "+$x]"#)
        #expect(compactDump("if [ $(($n % 2)) = 0 ]; then :; fi") != "<error>")
    }
}
