import Testing
@testable import CPL

/// Lexing details where dash is the model (the differential file cases-lexing.txt runs them).
@Suite struct LexingDetailTests {
    @Test func lineContinuationAfterDollarJoinsTheParameter() {
        for (source, name) in [("echo $\\\n?", "?"), ("echo $a\\\nb\\\nc", "abc"), ("echo $\\\n\\\n1", "1")] {
            guard case .parameter(let expansion) = wordParts(source, 1).first else {
                Issue.record("no parameter in \(source)")
                continue
            }
            #expect(expansion.name == name)
            #expect(expansion.range.end.line == source.filter { $0 == "\n" }.count + 1)
        }
        // Nothing that names a parameter after the `$`: a literal `$`.
        #expect(wordParts("echo $\\\n.", 1) == [.literal("$.")])
    }

    @Test func hereDocumentDelimiterWithSubstitutionIsASyntaxError() {
        for source in ["cat <<$(a)\nx\n$(a)\n", "cat <<x$((1))\nb\nx$((1))\n", "cat <<${a:-$(b)}\nb\n${a:-$(b)}\n"] {
            let error = syntaxError(source)
            #expect(error?.message.contains("here-document delimiter cannot hold") == true, "\(source)")
            #expect(error?.location.column == 7)
        }
        #expect(firstHereDocument("cat <<\"$(a)\"\nbody\n$(a)\n")?.delimiter == "$(a)")
        #expect(firstHereDocument("cat <<`a`\nbody\n`a`\n")?.delimiter == "`a`")
    }

    /// The packed spellings `ReservedWord(spelling:)` matches are the words' own, and a word one
    /// byte off is no reserved word.
    @Test func reservedWordsAreKnownByTheirBytes() {
        for word in ReservedWord.allCases {
            #expect(ReservedWord(spelling: word.rawValue.utf8) == word)
            #expect(ReservedWord(spelling: (word.rawValue + "x").utf8) == nil)
            #expect(ReservedWord(spelling: word.rawValue.utf8.dropLast()) == nil)
            if word.rawValue.uppercased() != word.rawValue {
                #expect(ReservedWord(spelling: word.rawValue.uppercased().utf8) == nil)
            }
        }
        for text in ["", "x", "iff", "esa", "{}", "!!", "\0if", "whil", "untilx"] {
            #expect(ReservedWord(spelling: text.utf8) == nil, "\(text)")
        }
        // A line continuation is gone before words are read, so `i\<newline>f` is `if`, as in dash.
        let stage = parsed("i\\\nf true; then echo y; fi")?.items.first?.andOr.first.stages.first
        guard case .compound(let compound)? = stage else {
            Issue.record("not an `if`: \(String(describing: stage))")
            return
        }
        #expect(compound.keyword == "if")
    }

    /// A word of quotes and plain text is read off its quotes without the general scan: the parts
    /// must be the scan's, and a word the shortcut refuses is scanned as before.
    @Test func quotedWordsWithoutExpansionsGetTheScansParts() throws {
        let accepted = [
            "\"%s\"", "''", "\"\"", "'a b'", "--x=\"y\"", "a'b'c\"d\"e", "\"it's\"", "'say \"hi\"'", "\"a\nb\"",
            "'é'\"ü\"x", "\"{a,b}\"", "x\"\"", "\"*\"?",
        ]
        for word in accepted {
            var parser = Parser(source: SourceText(word), fileName: "t")
            #expect(parser.expansionFreeWordEnd().map { [$0.end, $0.quoted ? 1 : 0] } == [word.utf8.count, 1], "\(word)")
            let scanned = try parser.scanWord(context: .word)
            #expect(Parser.partsOfQuotedWord(Array(word.utf8)[...]) == scanned, "\(word)")
        }
        for word in ["\"$x\"", "'a'$b", "\"a\\\"b\"", "\"`a`\"", "~'x'", "'open", "\"open", "a\\ b", "2>f"] {
            #expect(Parser(source: SourceText(word), fileName: "t").expansionFreeWordEnd() == nil, "\(word)")
        }
        // Unquoted text alone is one literal, the shortcut's other half.
        #expect(Parser(source: SourceText("plain"), fileName: "t").expansionFreeWordEnd().map { [$0.end, $0.quoted ? 1 : 0] } == [5, 0])
        // Equal words share their parts, and the first of them is scanned as any other.
        #expect(compactDump("printf \"%s\" a; printf \"%s\" b") == #"lit"printf" dq[lit"%s"] lit"a"; lit"printf" dq[lit"%s"] lit"b""#)
    }
}
