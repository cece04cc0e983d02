// Compound commands and functions typed at the REPL: continued over lines until they are
// complete, remembered between command lines, and interrupted as a whole by Ctrl-C.

#if canImport(Glibc)
import Glibc
#endif
import Testing

extension REPLTests {
    @Test func compoundCommandsAndFunctionsSpanLines() throws {
        let (terminal, _) = try session()
        terminal.type("if true\n")
        try terminal.expect("> ")
        terminal.type("then echo yes | tr a-z A-Z\n")
        try terminal.expect("> ")
        terminal.type("fi\n")
        try terminal.expect("YES\n")
        terminal.type("greet() {\n")
        try terminal.expect("> ")
        terminal.type("  for n in \"$@\"; do echo \"hi $n\"; done\n")
        try terminal.expect("> ")
        terminal.type("}\n")
        try terminal.expect("~")
        // Defined by one command line, called by the next.
        terminal.type("greet a b | tr a-z A-Z\n")
        try terminal.expect("HI A\nHI B\n")
        terminal.type("case x in\n")
        try terminal.expect("> ")
        terminal.type("x) echo matched | tr a-z A-Z ;;\n")
        try terminal.expect("> ")
        terminal.type("esac\n")
        try terminal.expect("MATCHED\n")
        // A mistake on the second line of a loop is reported there, and the REPL goes on.
        terminal.type("while true\n")
        try terminal.expect("> ")
        terminal.type("do done\n")
        let diagnostic = try terminal.expect("^")
        #expect(diagnostic.contains("<stdin>:2:4: syntax error: unexpected `done`"), "\(diagnostic)")
        terminal.type("echo still | tr a-z A-Z\n")
        try terminal.expect("STILL\n")
    }

    @Test func ctrlCEndsAWholeLoop() throws {
        let (terminal, _) = try session()
        // Only builtins loop: nothing but cpl itself to interrupt. (`sleep 0` first: once it has
        // ended, the terminal is the REPL's again and the Ctrl-C reaches it.)
        terminal.type("sleep 0; echo looping; while :; do :; done; echo not reached\n")
        try terminal.expect("looping\n")
        terminal.type("\u{03}")
        try terminal.expect("~ [130]")
        // A program in the loop: the interrupt ends the loop, not only the program.
        terminal.type("while :; do sleep 30; done; echo not reached\n")
        try waitForChild(of: terminal.pid, named: "sleep")
        terminal.type("\u{03}")
        try terminal.expect("~ [130]")
        terminal.type("echo after | tr a-z A-Z\n")
        try terminal.expect("AFTER\n")
        #expect(!terminal.screen.contains("\nnot reached"))
    }

    /// The command line never leaves cpl: it runs on the thread that started it, from the start.
    @Test func ctrlCEndsALoopOfBuiltinsAtTheStartOfTheLine() throws {
        let (terminal, _) = try session()
        terminal.type("echo looping; while :; do :; done; echo not reached\n")
        try terminal.expect("looping\n")
        terminal.type("\u{03}")
        try terminal.expect("~ [130]", within: 10)
        terminal.type("echo after | tr a-z A-Z\n")
        try terminal.expect("AFTER\n")
    }
}
