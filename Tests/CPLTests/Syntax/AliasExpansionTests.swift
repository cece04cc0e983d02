import Testing
@testable import CPL

/// Alias expansion by the parser (dash's rules; cases-shell-builtins.txt checks them against dash).
@Suite struct AliasExpansionTests {
    func dump(_ source: String, _ aliases: [String: String]) -> String {
        (try? Parser.parse(source, fileName: "t.cpl", aliases: aliases).compactDescription) ?? "<error>"
    }

    @Test func commandWordsExpand() {
        let aliases = ["ll": "ls -l", "say": "echo ", "hi": "there", "e": "e x", "seq": "echo a;"]
        #expect(dump("ll /tmp", aliases) == compactDump("ls -l /tmp"))
        #expect(dump("x=1 ll", aliases) == compactDump("x=1 ls -l"))
        #expect(dump("a | ll; ll && ll", aliases) == compactDump("a | ls -l; ls -l && ls -l"))
        // A text ending in a blank: the next word is checked too; otherwise arguments stay.
        #expect(dump("say hi hi", aliases) == compactDump("echo there hi"))
        #expect(dump("echo ll", aliases) == compactDump("echo ll"))
        // Not inside its own text; quoted or escaped words are not alias names.
        #expect(dump("e", aliases) == compactDump("e x"))
        #expect(dump("\"ll\" \\ll", aliases) == compactDump("\"ll\" \\ll"))
        #expect(dump("seq echo b", aliases) == compactDump("echo a; echo b"))
    }

    @Test func messagesPointAtTheAliasWord() {
        do {
            _ = try Parser.parse("echo ok\nbad", fileName: "t.cpl", aliases: ["bad": "echo )"])
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.location.line == 2)
            #expect(error.location.column == 1)
        }
    }
}
