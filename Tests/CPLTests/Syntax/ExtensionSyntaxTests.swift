import Testing
@testable import CPL

/// The extensions beyond sh that the parser resolves: `$'…'`, brace expansion and
/// `${v/pattern/replacement}` (run against bash by cases-extensions.txt).
@Suite struct ExtensionSyntaxTests {
    @Test func dollarSingleQuotesAreDecodedQuotedText() {
        #expect(wordParts("echo $'a\\tb'", 1) == [.singleQuoted("a\tb")])
        #expect(wordParts("echo x$'\\x41'y", 1) == [.literal("x"), .singleQuoted("A"), .literal("y")])
        #expect(wordParts("echo $'\\xff'", 1) == [.singleQuoted(String(losslessBytes: [0xFF]))])
        #expect(wordParts("echo \"$'x'\"", 1) == [.doubleQuoted([.literal("$'x'")])])
        #expect(syntaxError("echo $'abc")?.message == "unterminated `$'` quote")
        #expect(syntaxError("echo $'abc")?.isIncomplete == true)
    }

    // The fuzzer's: a 10¹⁸-item sequence never ended, a step of Int.min and bounds Int.max apart trapped.
    @Test func braceSequencesTooLargeToMakeStayAsWritten() {
        #expect(simpleCommand("echo {01555555555555555555..10}")?.words.map(\.parts) == [[.literal("echo")], [.literal("{01555555555555555555..10}")]])
        #expect(compactDump("echo a{1..5..-9223372036854775808}{x,y}") == compactDump("echo a1x a1y"))
        #expect(compactDump("echo {-9223372036854775808..9223372036854775807..4611686018427387904}")
            == compactDump("echo -9223372036854775808 -4611686018427387904 0 4611686018427387904"))
        #expect(compactDump("echo {9223372036854775806..9223372036854775807}") == compactDump("echo 9223372036854775806 9223372036854775807"))
        #expect(simpleCommand("echo {1..1000000}")?.words.count == 1_000_001)
        #expect(simpleCommand("echo {1..1000001}")?.words.count == 2)
        // A product past a million words (or 16 MB) stays as written too: the fuzzer's 1 KB script
        // of such words took 3.5 GB to parse. Five sequences of 10 are 100,000 words; seven are not made.
        #expect(simpleCommand("echo " + String(repeating: "{0..9}", count: 5))?.words.count == 100_001)
        let seven = String(repeating: "{0..9}", count: 7)
        #expect(simpleCommand("echo " + seven)?.words.map(\.parts) == [[.literal("echo")], [.literal(seven)]])
        #expect(simpleCommand("echo " + String(repeating: "{a,b}", count: 30))?.words.count == 2)
    }

    @Test func braceExpansionMakesWords() {
        #expect(compactDump("echo a{b,c}d {1..3}") == compactDump("echo abd acd 1 2 3"))
        #expect(compactDump("for i in {a..c}; do :; done") == compactDump("for i in a b c; do :; done"))
        #expect(compactDump("echo {} {a} \"{a,b}\" a={1,2}") == compactDump("echo {} {a} \"{a,b}\" a={1,2}"))
        #expect(simpleCommand("echo {$x,y}")?.words.map(\.parts) == [[.literal("echo")], [.parameter(ParameterExpansion(
            name: "x", braced: false, range: SourceRange(
                start: SourceLocation(offset: 6, line: 1, column: 7), end: SourceLocation(offset: 8, line: 1, column: 9))))],
            [.literal("y")]])
        // An assignment before the command is not expanded.
        #expect(simpleCommand("a={1,2} env")?.assignments.count == 1)
    }

    @Test func replacementOperators() {
        for (source, symbol) in [("${v/a/b}", "/"), ("${v//a/b}", "//"), ("${v/#a/b}", "/#"), ("${v/%a/b}", "/%")] {
            guard case .parameter(let expansion) = wordParts("echo \(source)", 1).first else {
                Issue.record("no parameter in \(source)")
                continue
            }
            #expect(expansion.op?.symbol == symbol)
            #expect(expansion.argument?.parts == [.literal("a")])
            #expect(expansion.replacement?.parts == [.literal("b")])
        }
        #expect(compactDump("echo ${v//a\\/b/c}") == "lit\"echo\" ${v//lit\"a\"+esc\"/\"+lit\"b\"/lit\"c\"}")
        guard case .parameter(let deletion) = wordParts("echo \"${v/x}\"", 1).first.flatMap({ part -> WordPart? in
            if case .doubleQuoted(let inner) = part { return inner.first } else { return nil }
        }) else {
            Issue.record("no parameter")
            return
        }
        #expect(deletion.replacement == nil)
        #expect(syntaxError("echo ${v/a/b")?.isIncomplete == true)
    }
}
