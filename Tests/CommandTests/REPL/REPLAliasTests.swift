// Aliases at the REPL: defined by the start-up file or by an earlier line, expanded in later lines.

import Foundation
import Testing

extension REPLTests {
    @Test func aliasesApplyToTheLinesAfterTheirDefinition() throws {
        let rc = NSTemporaryDirectory() + "cpl-alias-rc-" + UUID().uuidString
        #expect(FileManager.default.createFile(atPath: rc, contents: Data("alias shout='tr a-z A-Z <<<'\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: rc) }
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
