// Aliases at the REPL: defined by the start-up file or by an earlier line, expanded in later lines.

import Testing

extension REPLTests {
    @Test func aliasesApplyToTheLinesAfterTheirDefinition() throws {
        // TestSupport's createFile opens it close-on-exec: a cpl that another test starts meanwhile
        // must not inherit it (Foundation's createFile leaves it inheritable, and one did).
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let rc = directory + "/rc"
        createFile(rc, "alias shout='tr a-z A-Z <<<'\n")
        let (terminal, _) = try session(["CPL_RC": rc])
        terminal.type("shout from-rc\n")
        try terminal.expect("FROM-RC\n")
        terminal.type("alias say='echo said'; say same-line\n")
        try terminal.expect("command not found")
        terminal.type("say next-line | tr a-z A-Z\n")
        try terminal.expect("SAID NEXT-LINE\n")
        terminal.type("unalias say; say gone\n")
        try terminal.expect("~")
        terminal.type("say gone\n")
        try terminal.expect("command not found")
    }
}
