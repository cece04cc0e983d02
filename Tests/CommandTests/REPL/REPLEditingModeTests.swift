// `set -o vi` and `set -o emacs` at the REPL choose readline's editing mode.

import Testing

extension REPLTests {
    @Test func setOViAndEmacsChooseTheEditingMode() throws {
        let (terminal, _) = try session()
        // No ~/.inputrc: readline starts in emacs mode, and `set -o` says so.
        terminal.type("set -o | grep -E '^(vi|emacs) ' | tr a-z A-Z\n")
        try terminal.expect("EMACS          ON\nVI             OFF\n")
        terminal.type("set -o vi\n")
        try terminal.expect("~")
        // vi: Escape, then `x` deletes the `w` under the cursor and `a` appends after the `z`.
        terminal.type("echo xyzw\u{1B}xa | tr a-z A-Z\n")
        try terminal.expect("XYZ\n")
        terminal.type("set -o emacs\n")
        try terminal.expect("~")
        // emacs: Ctrl-A goes to the start of the line.
        terminal.type("cho q | tr a-z A-Z\u{01}e\n")
        try terminal.expect("Q\n")
    }
}
